package dev.strom.flow;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;

/**
 * Keys and values of every layer of one flow block, so an inverse step costs one chunk's compute.
 * Keys are stored already rotated: a key's rotation depends only on its own position. {@link #rewind}
 * lets a Jacobi iteration redo a chunk.
 */
public final class KvCache implements AutoCloseable {

    private final NDArray[] keys;
    private final NDArray[] values;
    private final int capacity;
    private int length;
    private int prefix;

    KvCache(NDManager manager, int layers, long batch, int kvHeads, int capacity, int headDim) {
        this.capacity = capacity;
        keys = new NDArray[layers];
        values = new NDArray[layers];
        for (int i = 0; i < layers; i++) {
            keys[i] = manager.zeros(new Shape(batch, kvHeads, capacity, headDim));
            values[i] = manager.zeros(new Shape(batch, kvHeads, capacity, headDim));
            NDScope.unregister(keys[i], values[i]);
        }
    }

    /** Positions filled so far (text prefix included). */
    public int length() {
        return length;
    }

    /** Positions of the text prefix at the start (0 before or without one). */
    public int prefix() {
        return prefix;
    }

    /** Marks everything cached so far as the text prefix. */
    void endPrefix() {
        prefix = length;
    }

    public int capacity() {
        return capacity;
    }

    /** Forgets the last n positions. */
    public void rewind(int n) {
        length = Math.max(0, length - n);
    }

    /** Stores k, v [B, H, n, hd] at the current end for layer; returns all keys and values so far. */
    NDArray[] append(int layer, NDArray k, NDArray v, int n) {
        if (length + n > capacity) {
            throw new IllegalStateException("KV cache overflow: " + (length + n) + " > " + capacity);
        }
        NDIndex at = new NDIndex().addAllDim().addAllDim().addSliceDim(length, length + n);
        keys[layer].set(at, k);
        values[layer].set(at, v);
        NDIndex upTo = new NDIndex().addAllDim().addAllDim().addSliceDim(0, length + n);
        return new NDArray[]{keys[layer].get(upTo), values[layer].get(upTo)};
    }

    /** Called once per forward chunk, after every layer appended n positions. */
    void advance(int n) {
        length += n;
    }

    @Override
    public void close() {
        for (int i = 0; i < keys.length; i++) {
            keys[i].close();
            values[i].close();
        }
    }
}
