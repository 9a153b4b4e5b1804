import { StrictMode, useMemo, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { createRoot } from "react-dom/client";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "@mantine/core/styles.css";
import "./i18n";
import { App } from "./App";
import { cssVariables, themeFor } from "./theme";
import "./styles.css";

// "always": the clinic database is reached directly; the OS's idea of being
// online says nothing about it (the default "online" mode would pause).
const queries = new QueryClient({
  defaultOptions: { queries: { networkMode: "always", retry: 1 }, mutations: { networkMode: "always" } },
});

/** The theme follows the chosen language (close buttons are named in it). */
function Themed({ children }: { children: ReactNode }) {
  // `t` changes with the language, so the close label follows it.
  const { t } = useTranslation();
  const theme = useMemo(() => themeFor(t("settings.close")), [t]);
  return (
    <MantineProvider theme={theme} cssVariablesResolver={cssVariables}>
      {children}
    </MantineProvider>
  );
}

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root element");
createRoot(root).render(
  <StrictMode>
    <Themed>
      <QueryClientProvider client={queries}>
        <App />
      </QueryClientProvider>
    </Themed>
  </StrictMode>,
);
