// Parses an Adaptive Card with Microsoft's `adaptivecards` package, the renderer Teams' web client is built on.
import { createRequire } from "node:module";
import type * as AdaptiveCardsModule from "adaptivecards";

// The package's ESM build (lib/) imports its files without extensions, which Node cannot resolve; its UMD bundle
// loads in Node as it is. Parsing and validation need no DOM (only rendering does), so no shim is needed.
const AdaptiveCards = createRequire(import.meta.url)(
  "adaptivecards/dist/adaptivecards.js",
) as typeof AdaptiveCardsModule;

export interface ParsedCard {
  /** Parse events (unknown element types, bad property values…), as the library words them. */
  readonly parseEvents: readonly string[];
  /** Validation failures of the parsed card (bad versions, empty collections, duplicate ids…). */
  readonly validationEvents: readonly string[];
  /** The card as the library serialises it back: what it understood. */
  readonly json: unknown;
}

export function parseAdaptiveCard(content: unknown, version = AdaptiveCards.Versions.v1_5): ParsedCard {
  const card = new AdaptiveCards.AdaptiveCard();
  const context = new AdaptiveCards.SerializationContext(version);
  card.parse(content, context);
  const parseEvents = Array.from({ length: context.eventCount }, (_, index) => {
    const event = context.getEventAt(index);
    return `${AdaptiveCards.ValidationEvent[event.event]}: ${event.message}`;
  });
  const validationEvents = card
    .validateProperties()
    .validationEvents.map((event) => `${AdaptiveCards.ValidationEvent[event.event]}: ${event.message}`);
  return { parseEvents, validationEvents, json: card.toJSON(context) };
}
