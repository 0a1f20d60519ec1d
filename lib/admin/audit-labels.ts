/** What each audit action is called on screen (the stored value stays the machine name). No server imports. */
export const AUDIT_ACTION_LABELS: Record<string, string> = {
  message: "Message sent",
  broadcast: "Broadcast",
  kick: "Kick",
  "sign-out-everywhere": "Signed out everywhere",
  ban: "Ban",
  unban: "Unban",
  "role-change": "Role changed",
};

export function auditActionLabel(action: string): string {
  return AUDIT_ACTION_LABELS[action] ?? action;
}
