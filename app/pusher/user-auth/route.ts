import { handleUserAuth } from "@/lib/pusher/user-auth";

export const dynamic = "force-dynamic";

export const POST = (request: Request) => handleUserAuth(request);
