import { handleChannelAuth } from "@/lib/pusher/channel-auth";

export const dynamic = "force-dynamic";

export const POST = (request: Request) => handleChannelAuth(request);
