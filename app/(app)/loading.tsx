import { PageLoading } from "@/components/ui/page-loading";

export default function AppLoading() {
  return <PageLoading label="Loading…" />;
}
