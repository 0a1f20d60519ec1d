"use client";

import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";

import { cn } from "./cn";

export type ToastVariant = "default" | "success" | "destructive";

export interface ToastInput {
  title: string;
  description?: string;
  variant?: ToastVariant;
  /** Milliseconds before it disappears; 0 keeps it until dismissed. */
  duration?: number;
}

export interface ToastItem extends Required<Omit<ToastInput, "description">> {
  id: number;
  description?: string;
}

interface ToastContextValue {
  toasts: ToastItem[];
  toast: (input: ToastInput) => number;
  dismiss: (id: number) => void;
}

const ToastContext = createContext<ToastContextValue | null>(null);

const MAX_VISIBLE = 5;

/** Holds the toast queue and renders the <Toaster> region once for the whole tree. */
export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<ToastItem[]>([]);
  const nextId = useRef(1);

  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), []);
  const toast = useCallback((input: ToastInput) => {
    const id = nextId.current++;
    const item: ToastItem = {
      id,
      title: input.title,
      description: input.description,
      variant: input.variant ?? "default",
      duration: input.duration ?? 6000,
    };
    setToasts((list) => [...list, item].slice(-MAX_VISIBLE));
    return id;
  }, []);

  const value = useMemo(() => ({ toasts, toast, dismiss }), [toasts, toast, dismiss]);
  return (
    <ToastContext.Provider value={value}>
      {children}
      <Toaster />
    </ToastContext.Provider>
  );
}

export function useToast(): Pick<ToastContextValue, "toast" | "dismiss"> {
  const context = useContext(ToastContext);
  if (!context) throw new Error("useToast must be used inside <ToastProvider>");
  return { toast: context.toast, dismiss: context.dismiss };
}

const variantClass: Record<ToastVariant, string> = {
  default: "border-zinc-200 bg-white text-zinc-900 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100",
  success: "border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-800 dark:bg-emerald-950 dark:text-emerald-100",
  destructive: "border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100",
};

function ToastView({ item, onDismiss }: { item: ToastItem; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (item.duration <= 0) return;
    const timer = setTimeout(() => onDismiss(item.id), item.duration);
    return () => clearTimeout(timer);
  }, [item.id, item.duration, onDismiss]);

  return (
    <li
      // Errors interrupt screen readers; everything else waits politely.
      role={item.variant === "destructive" ? "alert" : "status"}
      data-testid="toast"
      className={cn("pointer-events-auto flex w-full items-start gap-3 rounded-lg border p-4 shadow-lg", variantClass[item.variant])}
    >
      <div className="flex-1">
        <p className="text-sm font-semibold">{item.title}</p>
        {item.description ? <p className="mt-1 text-sm opacity-90">{item.description}</p> : null}
      </div>
      <button
        type="button"
        onClick={() => onDismiss(item.id)}
        className="rounded p-1 text-xs opacity-60 hover:opacity-100 focus-visible:outline-none focus-visible:ring-2 focus-visible:ring-zinc-400"
        aria-label="Dismiss notification"
      >
        ✕
      </button>
    </li>
  );
}

/** The live region. Rendered by ToastProvider; exported for layouts that want to place it themselves. */
export function Toaster() {
  const context = useContext(ToastContext);
  if (!context) return null;
  return (
    <section aria-label="Notifications" className="pointer-events-none fixed bottom-4 right-4 z-50 w-full max-w-sm">
      <ol className="flex flex-col gap-2">
        {context.toasts.map((item) => (
          <ToastView key={item.id} item={item} onDismiss={context.dismiss} />
        ))}
      </ol>
    </section>
  );
}
