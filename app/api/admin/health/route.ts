import { handleRunBackendHealth } from "@/lib/doctor/admin-health";

export const POST = (request: Request) => handleRunBackendHealth(request);
