import { createTheme, type CSSVariablesResolver, type MantineColorsTuple } from "@mantine/core";

/** The clinic's teal, darker than Mantine's so text on it and it on white
 * pass WCAG 2.2 AA (4.5:1): white on shade 7 is 6.8:1, shade 9 on shade 1
 * (light buttons, the active nav item) 8.6:1. */
const clinic: MantineColorsTuple = [
  "#e3f6f4",
  "#c5ebe7",
  "#98d9d2",
  "#5fc2b8",
  "#2fa89c",
  "#138f84",
  "#0b766d",
  "#0a6660",
  "#085650",
  "#064640",
];

/** The app's theme; `closeLabel` names every drawer's and dialog's close
 * button in the chosen language. Drawer and dialog headers are plain
 * elements: a `<header>` there would add a second banner landmark. */
export function themeFor(closeLabel: string) {
  return createTheme({
    colors: { clinic },
    primaryColor: "clinic",
    primaryShade: 7,
    // Filled buttons in other colours (red, orange) get dark or white text, whichever reads.
    autoContrast: true,
    fontFamily: "DejaVu Sans, Inter, system-ui, sans-serif",
    defaultRadius: "sm",
    components: {
      // Drawers and dialogs open at once. A 200 ms slide or fade repaints the
      // dimmed board under them on every frame (no compositing on Linux) and
      // makes the receptionist wait on every booking.
      DrawerRoot: { defaultProps: { transitionProps: { duration: 0 } } },
      ModalRoot: { defaultProps: { transitionProps: { duration: 0 } } },
      DrawerHeader: { defaultProps: { component: "div" } },
      ModalHeader: { defaultProps: { component: "div" } },
      DrawerCloseButton: { defaultProps: { "aria-label": closeLabel, title: closeLabel } },
      ModalCloseButton: { defaultProps: { "aria-label": closeLabel, title: closeLabel } },
    },
  });
}

export const theme = themeFor("Close");

/** Mantine's dimmed grey (#868e96) is 3.3:1 on white: one shade darker
 * (7.4:1); its error red (#fa5252, 3.3:1) likewise: red 9 (5.5:1). */
export const cssVariables: CSSVariablesResolver = () => ({
  variables: {},
  light: { "--mantine-color-dimmed": "var(--mantine-color-gray-7)", "--mantine-color-error": "var(--mantine-color-red-9)" },
  dark: {},
});
