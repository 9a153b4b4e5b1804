import { useLocalStorage } from "@mantine/hooks";

/** WCAG 2.1.4: single-key shortcuts (N, T, /) can be switched off; one
 * setting for every screen, remembered on this station. */
export function useSingleKeyShortcuts() {
  return useLocalStorage({ key: "single-key-shortcuts", defaultValue: true });
}
