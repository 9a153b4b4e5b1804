// English and Ukrainian, bundled (no network at run time). The language
// follows the system's until the user picks one.
import i18n from "i18next";
import { initReactI18next } from "react-i18next";
import en from "./locales/en.json";
import uk from "./locales/uk.json";

export const LANGUAGES = ["en", "uk"] as const;

const systemLanguage = typeof navigator !== "undefined" && navigator.language.startsWith("uk") ? "uk" : "en";

void i18n.use(initReactI18next).init({
  resources: { en: { translation: en }, uk: { translation: uk } },
  lng: localStorage.getItem("language") ?? systemLanguage,
  fallbackLng: "en",
  interpolation: { escapeValue: false }, // React escapes
});

// Screen readers (and the webview's own controls) read the page in its language.
const markLanguage = (language: string) => document.documentElement.setAttribute("lang", language);
markLanguage(i18n.language);
i18n.on("languageChanged", markLanguage);

export default i18n;
