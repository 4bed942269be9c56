package io.posthaste;

/**
 * Hears how far an upload or a download has got ({@link RequestBuilder#onUploadProgress},
 * {@link RequestBuilder#onDownloadProgress}). Calls for one request come one at a time, in order,
 * with {@code done} never going down; the last call has {@code done == total}, also for a request
 * with no body at all ({@code 0, 0}). Upload progress counts body bytes the network has taken
 * (not the head); download progress counts body bytes received, after decompression.
 *
 * <p>Called on an I/O thread: keep it quick and never block (hand the figures to a UI thread or
 * an atomic). An exception thrown here is logged and otherwise ignored.
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * Reports progress.
     *
     * @param done bytes transferred so far
     * @param total the total, or {@code -1} while it is not known (chunked or compressed)
     */
    void onProgress(long done, long total);
}
