import { handleChannelAuth } from "@/lib/pusher/channel-auth";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const dynamic = "force-dynamic";

export const POST = answeringDatabaseOutage((request: Request) => handleChannelAuth(request));
