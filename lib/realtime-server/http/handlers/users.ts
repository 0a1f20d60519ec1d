/** POST /users/{user_id}/terminate_connections. */
import type { ApiHandler } from "../context";
import { badRequest } from "../errors";

export const terminateUserConnections: ApiHandler = (request, services) => {
  const userId = request.params[0];
  if (userId === undefined || userId.length === 0) throw badRequest("user id is required");
  services.users.terminate(userId);
  return {};
};
