import { addStrings } from '../strings.js';

/** The event delivery log's texts; `setStrings` replaces them like any other. */
export const eventLogStrings = {
  eventDelivery: 'Event delivery',
  eventDeliveryIntro: 'Events sent to your application, with every delivery attempt.',
  eventDelivered: (attempts: number, status: number | null) =>
    `Delivered on attempt ${attempts}${status === null ? '' : ` (HTTP ${status})`}.`,
  eventWaiting: 'Waiting for its first delivery.',
  eventRetrying: (attempts: number, error: string, next: string) =>
    `Attempt ${attempts} failed: ${error} Next try ${next}.`,
  eventGaveUp: (attempts: number, error: string) => `Gave up after ${attempts} attempts: ${error}`,
};

export type EventLogStrings = typeof eventLogStrings;

addStrings(eventLogStrings);
