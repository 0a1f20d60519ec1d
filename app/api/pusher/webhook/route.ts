import { handlePusherWebhook } from "@/lib/pusher/webhook";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(handlePusherWebhook);
