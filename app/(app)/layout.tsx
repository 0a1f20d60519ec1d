import type { ReactNode } from "react";

import { ContactsOnline } from "@/components/contacts/contacts-online";
import { requireUser } from "@/lib/auth/session";
import { listContacts } from "@/lib/contacts/contacts";

/** Everything in this group is for signed-in users; the check runs before any of it renders. */
export default async function SignedInLayout({ children }: { children: ReactNode }) {
  const user = await requireUser();
  // The same list the user-auth token watches, so every name shown has a watched id.
  const contacts = await listContacts(user.id);
  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,1fr)_16rem]">
      <div className="min-w-0">{children}</div>
      <aside aria-label="Contacts" className="lg:sticky lg:top-4 lg:self-start">
        <ContactsOnline contacts={contacts} />
      </aside>
    </div>
  );
}
