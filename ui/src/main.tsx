import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { MantineProvider } from "@mantine/core";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import "@mantine/core/styles.css";
import "./i18n";
import { App } from "./App";
import { theme } from "./theme";
import "./styles.css";

// "always": the clinic database is reached directly; the OS's idea of being
// online says nothing about it (the default "online" mode would pause).
const queries = new QueryClient({
  defaultOptions: { queries: { networkMode: "always", retry: 1 }, mutations: { networkMode: "always" } },
});

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <MantineProvider theme={theme}>
      <QueryClientProvider client={queries}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
