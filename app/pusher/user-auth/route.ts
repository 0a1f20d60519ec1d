import { handleUserAuth } from "@/lib/pusher/sign-user-auth";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const dynamic = "force-dynamic";

export const POST = answeringDatabaseOutage((request: Request) => handleUserAuth(request));
