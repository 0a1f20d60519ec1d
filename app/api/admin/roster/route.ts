export { handleGetRoster as GET } from "@/lib/admin/roster";
