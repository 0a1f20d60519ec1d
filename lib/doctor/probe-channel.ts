/**
 * The webhook probe. The doctor subscribes one socket to `private-doctor-probe-{id}` (authorized
 * with the secret it holds); the backend's channel_occupied webhook for it reaches some instance of
 * the app, which, after verifying the delivery's signature, publishes DOCTOR_PROBE_RECEIVED_EVENT on
 * that same channel (lib/doctor/probe-ack.ts). The doctor's socket receiving it proves: webhooks are
 * configured, they reach the app, their signature is valid, and the app can publish back, whichever
 * of several instances got it, with no shared state. Browsers can never be authorized for this
 * prefix (lib/pusher/channel-auth.ts refuses every channel it doesn't know), and a public channel
 * can't match it, so only holders of the secret can make the app publish an acknowledgement.
 */
export const DOCTOR_PROBE_CHANNEL_PREFIX = "private-doctor-probe-";
export const DOCTOR_PROBE_RECEIVED_EVENT = "doctor-probe-received";

const PROBE_ID = /^[0-9a-f]{16,64}$/;

export const doctorProbeChannel = (probeId: string) => `${DOCTOR_PROBE_CHANNEL_PREFIX}${probeId}`;

export function isDoctorProbeChannel(channel: string): boolean {
  return channel.startsWith(DOCTOR_PROBE_CHANNEL_PREFIX) && PROBE_ID.test(channel.slice(DOCTOR_PROBE_CHANNEL_PREFIX.length));
}

export interface DoctorProbeAck {
  /** When the app instance handled the delivery (its clock, ms). */
  receivedAt: number;
}
