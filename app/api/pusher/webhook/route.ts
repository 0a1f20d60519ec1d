export { handlePusherWebhook as POST } from "@/lib/pusher/webhook";
