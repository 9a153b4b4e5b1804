import { createTheme } from "@mantine/core";

export const theme = createTheme({
  primaryColor: "teal",
  fontFamily: "DejaVu Sans, Inter, system-ui, sans-serif",
  defaultRadius: "sm",
});
