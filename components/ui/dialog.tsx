"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";
import { createPortal } from "react-dom";

import { cn } from "./cn";
import { useHydrated } from "./use-hydrated";

export interface DialogProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  title: ReactNode;
  description?: ReactNode;
  children?: ReactNode;
  /** Buttons row at the bottom (e.g. Cancel / Confirm). */
  footer?: ReactNode;
  className?: string;
}

/**
 * A modal built on the native <dialog> element: showModal() gives focus trapping, Escape-to-close,
 * the top layer and an inert background without a dependency.
 *
 * It is portalled to <body> and, while open, the rest of <body> is also marked aria-hidden. Browsers
 * already treat the background of a modal <dialog> as inert, but tools that read the DOM (test
 * runners, older screen readers) don't: for them the page's "Kick" button would otherwise compete
 * with the dialog's "Kick".
 */
export function Dialog(props: DialogProps) {
  // The portal target exists only in the browser; a dialog is never open in the server render.
  const hydrated = useHydrated();
  return hydrated ? createPortal(<ModalDialog {...props} />, document.body) : null;
}

function ModalDialog({ open, onOpenChange, title, description, children, footer, className }: DialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const descriptionId = useId();

  useEffect(() => {
    const dialog = ref.current;
    if (!dialog) return;
    if (open && !dialog.open) dialog.showModal();
    if (!open && dialog.open) dialog.close();
    if (!open) return;
    const background = [...document.body.children].filter(
      (element) => element !== dialog && element.getAttribute("aria-hidden") !== "true",
    );
    for (const element of background) element.setAttribute("aria-hidden", "true");
    return () => {
      for (const element of background) element.removeAttribute("aria-hidden");
    };
  }, [open]);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      aria-describedby={description ? descriptionId : undefined}
      // Escape fires "cancel"; keep React state the source of truth instead of letting the browser close it.
      onCancel={(event) => {
        event.preventDefault();
        onOpenChange(false);
      }}
      onClick={(event) => {
        // A click on the ::backdrop targets the <dialog> itself.
        if (event.target === event.currentTarget) onOpenChange(false);
      }}
      className={cn(
        "m-auto w-[calc(100%-2rem)] max-w-lg rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-lg backdrop:bg-black/50",
        "dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100",
        className,
      )}
    >
      {open ? (
        <div className="flex flex-col gap-4 p-6">
          <div className="flex flex-col gap-1.5">
            <h2 id={titleId} className="text-lg font-semibold leading-none">
              {title}
            </h2>
            {description ? (
              <p id={descriptionId} className="text-sm text-zinc-500 dark:text-zinc-400">
                {description}
              </p>
            ) : null}
          </div>
          {children}
          {footer ? <div className="flex justify-end gap-2">{footer}</div> : null}
        </div>
      ) : null}
    </dialog>
  );
}
