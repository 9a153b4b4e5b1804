// Print preview: the pages Rust laid out (clinic-documents), drawn here with
// the same embedded font, so what the desk sees is what the printer and the
// PDF get. Print opens the operating system's dialog on a print stylesheet
// that shows only these pages; Save as PDF writes Rust's own PDF where the
// native save dialog says. Both are recorded in the audit trail; the
// preview itself is not.
import { useState } from "react";
import { createPortal } from "react-dom";
import { Alert, Button, Group, Modal, SegmentedControl, Select, Stack, Switch, Text } from "@mantine/core";
import { useLocalStorage } from "@mantine/hooks";
import { useMutation, useQuery } from "@tanstack/react-query";
import { useTranslation } from "react-i18next";
import {
  commands,
  type BookingSubject,
  type Document,
  type DocumentRequest,
  type Orientation,
  type Page,
  type Paper,
} from "../../bindings";
import { appError, call } from "../../api/call";
import { read } from "../../api/reads";
import { errorText } from "../../errors";
import { subjectKey } from "../board/boardLayout";

/** What a document is about; the preview adds paper, orientation and language. */
type Without<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
export type DocumentAsked = Without<DocumentRequest, "paper" | "orientation" | "language">;

/** A doctor or diagnostic the day sheet may be narrowed to. */
export interface SheetSubject {
  subject: BookingSubject;
  name: string;
}

const EVERYONE = "";

export function PrintPreview({ asked, subjects = [], onClose }: { asked: DocumentAsked; subjects?: SheetSubject[]; onClose: () => void }) {
  const { t, i18n } = useTranslation();
  // Paper and orientation are this desk's printer's: remembered on this computer.
  const [paper, setPaper] = useLocalStorage<Paper>({ key: "print-paper", defaultValue: "a4" });
  const [orientation, setOrientation] = useLocalStorage<Orientation>({ key: "print-orientation", defaultValue: "portrait" });
  const [subject, setSubject] = useState<BookingSubject | null>(asked.document === "daySheet" ? asked.subject : null);
  const [includePast, setIncludePast] = useState(asked.document === "visitList" && asked.includePast);
  const request = requestFor(asked, { paper, orientation, subject, includePast, language: i18n.language });
  const preview = useQuery({ ...read.previewDocument(request), gcTime: 0 });
  const id = preview.data?.id;
  const printed = useMutation({ mutationFn: (documentId: string) => call(commands.printDocument(documentId)) });
  const saved = useMutation({
    mutationFn: async ({ documentId, fileName }: { documentId: string; fileName: string }) => {
      const path = await call(commands.chooseSavePath("pdf", fileName));
      return path ? call(commands.saveDocumentPdf(documentId, path)) : null;
    },
  });
  const failure = preview.error ?? printed.error ?? saved.error;
  const document = preview.data?.document;

  return (
    <Modal opened onClose={onClose} size={1000} title={document?.title ?? t("print.preparing")} aria-describedby="print-status">
      <Stack gap="sm">
        <Group gap="md" wrap="wrap">
          <SegmentedControl
            size="xs"
            aria-label={t("print.paper")}
            value={paper}
            onChange={(value) => setPaper(value as Paper)}
            data={[
              { value: "a4", label: "A4" },
              { value: "letter", label: "Letter" },
            ]}
          />
          {asked.document === "daySheet" && (
            <>
              <SegmentedControl
                size="xs"
                aria-label={t("print.orientation")}
                value={orientation}
                onChange={(value) => setOrientation(value as Orientation)}
                data={[
                  { value: "portrait", label: t("print.portrait") },
                  { value: "landscape", label: t("print.landscape") },
                ]}
              />
              <Select
                size="xs"
                w={260}
                aria-label={t("print.who")}
                value={subject ? subjectKey(subject) : EVERYONE}
                onChange={(key) => setSubject(subjects.find((s) => subjectKey(s.subject) === key)?.subject ?? null)}
                data={[
                  { value: EVERYONE, label: t("print.everyone") },
                  ...subjects.map((s) => ({ value: subjectKey(s.subject), label: s.name })),
                ]}
                allowDeselect={false}
              />
            </>
          )}
          {asked.document === "visitList" && (
            <Switch label={t("print.includePast")} checked={includePast} onChange={(e) => setIncludePast(e.currentTarget.checked)} />
          )}
        </Group>
        {preview.data?.offline && (
          <Alert color="yellow" py={6} role="status">
            {t("print.offline")}
          </Alert>
        )}
        {/* Focusable: the pages scroll by keyboard too (WCAG's scrollable-region-focusable). */}
        {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must take the keyboard */}
        <section className="document-sheets" aria-label={t("print.pagesLabel")} aria-busy={preview.isFetching} tabIndex={0}>
          {document ? (
            document.pages.map((page, n) => (
              <DocumentPage
                // biome-ignore lint/suspicious/noArrayIndexKey: pages have no identity but their place
                key={n}
                page={page}
                document={document}
                label={t("print.page", { n: n + 1, count: document.pages.length })}
              />
            ))
          ) : (
            <Text c="dimmed">{t("print.preparing")}</Text>
          )}
        </section>
        <Group justify="space-between">
          <Text id="print-status" size="sm" role="status" c={failure ? "red.8" : undefined}>
            {failure
              ? errorText(appError(failure))
              : saved.data
                ? t("print.saved", { path: saved.data.path })
                : document
                  ? t("print.pages", { count: document.pages.length })
                  : ""}
          </Text>
          <Group gap="xs">
            <Button variant="default" onClick={onClose}>
              {t("print.close")}
            </Button>
            <Button
              variant="default"
              disabled={!document || preview.isFetching}
              loading={saved.isPending}
              onClick={() => id && document && saved.mutate({ documentId: id, fileName: document.fileName })}
            >
              {t("print.savePdf")}
            </Button>
            <Button
              data-autofocus
              disabled={!document || preview.isFetching}
              loading={printed.isPending}
              onClick={() => id && printed.mutate(id)}
            >
              {t("print.print")}
            </Button>
          </Group>
        </Group>
      </Stack>
      {document && <PrintPages document={document} />}
    </Modal>
  );
}

function requestFor(
  asked: DocumentAsked,
  choice: { paper: Paper; orientation: Orientation; subject: BookingSubject | null; includePast: boolean; language: string },
): DocumentRequest {
  const { paper, language } = choice;
  switch (asked.document) {
    case "daySheet":
      return { ...asked, subject: choice.subject, paper, orientation: choice.orientation, language };
    case "visitList":
      return { ...asked, includePast: choice.includePast, paper, language };
    case "slip":
    case "workingHours":
      return { ...asked, paper, language };
  }
}

/** One page as SVG in points; text stays text (selectable, read aloud). */
function DocumentPage({ page, document, label, aspectRatio }: { page: Page; document: Document; label: string; aspectRatio?: string }) {
  const width = document.width ?? 0;
  const height = document.height ?? 0;
  return (
    <figure className="document-page" aria-label={label} style={aspectRatio ? { aspectRatio } : undefined}>
      {/* biome-ignore lint/a11y/noSvgWithoutTitle: the figure names the page; a title would float a tooltip over it */}
      <svg viewBox={`0 0 ${width} ${height}`} width="100%" lang={document.language}>
        <rect width={width} height={height} fill="white" />
        {page.items.map((item, i) =>
          item.kind === "text" ? (
            // biome-ignore lint/suspicious/noArrayIndexKey: items are drawn in order and never move
            <text key={i} x={item.x ?? 0} y={item.y ?? 0} fontSize={item.size ?? 0} fontWeight={item.weight === "bold" ? 700 : 400}>
              {item.text}
            </text>
          ) : (
            <rect
              // biome-ignore lint/suspicious/noArrayIndexKey: items are drawn in order and never move
              key={i}
              x={item.x ?? 0}
              y={item.y ?? 0}
              width={item.width ?? 0}
              height={item.height ?? 0}
              fill={`rgb(${item.gray}, ${item.gray}, ${item.gray})`}
            />
          ),
        )}
      </svg>
    </figure>
  );
}

/** What the print stylesheet shows: every page at its paper size, nothing else. */
function PrintPages({ document }: { document: Document }) {
  return createPortal(
    <div className="print-pages" aria-hidden="true">
      <style>{`@page { size: ${document.width ?? 0}pt ${document.height ?? 0}pt; margin: 0; }`}</style>
      {document.pages.map((page, n) => (
        <DocumentPage
          // biome-ignore lint/suspicious/noArrayIndexKey: pages have no identity but their place
          key={n}
          page={page}
          document={document}
          label={document.title}
          aspectRatio={`${document.width ?? 1} / ${document.height ?? 1}`}
        />
      ))}
    </div>,
    window.document.body,
  );
}
