import { z } from 'zod/mini';

/** Manage's Hosted API messages, host → pod. Each arrives as a JSON string. */
export const frameIdMessage = z.object({ MessageFrameID: z.union([z.string(), z.number()]) });
export const responseMessage = z.object({ response: z.string(), data: z.optional(z.unknown()) });
export const eventMessage = z.object({
  event: z.enum(['onLoad', 'beforeSave', 'beforeBack']),
  _id: z.union([z.string(), z.number()]),
  data: z.optional(z.unknown()),
});
export type HostEventName = z.infer<typeof eventMessage>['event'];

export const screenObjectSchema = z.object({
  screen: z.string(),
  id: z.coerce.number(),
  hostedAs: z.optional(z.string()),
});
export type ScreenObject = z.infer<typeof screenObjectSchema>;

export const onLoadData = z.object({ screenObject: z.optional(screenObjectSchema) });

/** Requests the pod may make; Manage ignores any key but `hosted_request`. */
export type HostedRequest = 'getMemberAuthentication' | 'refreshScreen' | 'openScreen' | 'setDirty';
