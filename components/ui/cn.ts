/** Joins class names, skipping falsy ones. Small on purpose: the app has no clsx/tailwind-merge dependency. */
export function cn(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(" ");
}
