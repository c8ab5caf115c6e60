import { VendorError } from '../../server/http/vendor-error.ts';

/** Awaits a call that must fail with a VendorError and returns that error for assertions. */
export async function vendorFailure(promise: Promise<unknown>): Promise<VendorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof VendorError) return error;
    throw error;
  }
  throw new Error('expected a VendorError');
}
