import { PageLoading } from "@/components/ui/page-loading";

// Inside the admin layout, whose role check runs first: a non-admin still gets the 403 status.
export default function AdminLoading() {
  return <PageLoading label="Loading the admin console…" />;
}
