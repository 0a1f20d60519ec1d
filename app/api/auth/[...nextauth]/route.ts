export { GET, POST } from "@/lib/auth/nextauth-route";
