import "server-only";

import { DOCTOR_PROBE_RECEIVED_EVENT, isDoctorProbeChannel, type DoctorProbeAck } from "@/lib/doctor/probe-channel";
import { pusherServer } from "@/lib/pusher/server";

/** A delivery never makes the app publish more than this many acknowledgements. */
const MAX_ACKS_PER_DELIVERY = 4;

/**
 * Called by the webhook handler with the events of a delivery whose signature it has verified:
 * answers each doctor probe's channel_occupied on the probe channel itself (see probe-channel.ts).
 * Never throws: a failed acknowledgement only makes the doctor's webhook check fail, which says why.
 */
export async function acknowledgeDoctorProbes(events: readonly { name: string; channel?: string }[]): Promise<void> {
  const probes = events.filter(
    (event) => event.name === "channel_occupied" && event.channel !== undefined && isDoctorProbeChannel(event.channel),
  );
  for (const probe of probes.slice(0, MAX_ACKS_PER_DELIVERY)) {
    const ack: DoctorProbeAck = { receivedAt: Date.now() };
    try {
      await pusherServer.trigger(probe.channel!, DOCTOR_PROBE_RECEIVED_EVENT, ack);
    } catch (error) {
      console.warn(`[doctor] could not acknowledge webhook probe on ${probe.channel}: ${(error as Error).message}`);
    }
  }
}
