package dev.strom.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

/**
 * The named parameters of a model, under the reference's state_dict names. Modules declare what they
 * need while they are built; the values come either from a seeded initialiser or from loaded tensors,
 * whose names and shapes are checked against the declarations.
 */
public final class Parameters implements AutoCloseable {

    private final NDManager manager;
    private final Map<String, NDArray> values = new LinkedHashMap<>();
    private final Map<String, TensorData> loaded;
    private final Set<String> ignorable;
    private final long seed;
    private final Set<String> zeroStarted = new LinkedHashSet<>();

    private Parameters(NDManager manager, Map<String, TensorData> loaded, Set<String> ignorable, long seed) {
        this.manager = manager;
        this.loaded = loaded;
        this.ignorable = ignorable;
        this.seed = seed;
    }

    /** Parameters filled by each declaration's initialiser, seeded per name (so order does not matter). */
    public static Parameters initialised(NDManager manager, long seed) {
        return new Parameters(manager.newSubManager(), null, Set.of(), seed);
    }

    /**
     * Parameters taken from loaded tensors. Tensors named in {@code ignorable} may be present and are not
     * used (the reference keeps unused buffers in its state_dict).
     */
    public static Parameters loaded(NDManager manager, Map<String, TensorData> tensors, Set<String> ignorable) {
        return new Parameters(manager.newSubManager(), tensors, ignorable, 0);
    }

    /** Declares a parameter and returns its value. */
    public NDArray declare(String name, long[] shape, Init init) {
        float[] data;
        if (loaded == null) {
            Random rng = new Random(seed * 1_000_003L + name.hashCode());
            data = init.fill((int) new Shape(shape).size(), rng);
        } else {
            TensorData t = loaded.get(name);
            if (t == null) {
                throw new IllegalArgumentException("checkpoint is missing tensor '" + name + "' of shape "
                        + Arrays.toString(shape));
            }
            if (!Arrays.equals(t.shape(), shape)) {
                throw new IllegalArgumentException("tensor '" + name + "' has shape " + Arrays.toString(t.shape())
                        + " in the checkpoint but the config needs " + Arrays.toString(shape));
            }
            data = t.values();
        }
        return store(name, shape, data);
    }

    /**
     * Declares a parameter that came after some checkpoints and whose zero value leaves a model as it was
     * without it: it starts at zero, and a checkpoint that lacks it loads with zeros (so such a checkpoint can
     * be fine-tuned with it; {@link #zeroStarted} names those).
     */
    public NDArray declareOptional(String name, long[] shape) {
        if (loaded != null && !loaded.containsKey(name)) {
            zeroStarted.add(name);
            return store(name, shape, new float[(int) new Shape(shape).size()]);
        }
        return declare(name, shape, Init.ZEROS);
    }

    /** Optional parameters the loaded checkpoint did not have, so they start at zero. */
    public Set<String> zeroStarted() {
        return Collections.unmodifiableSet(zeroStarted);
    }

    private NDArray store(String name, long[] shape, float[] data) {
        if (values.containsKey(name)) {
            throw new IllegalStateException("parameter declared twice: " + name);
        }
        NDArray array = Tensors.of(manager, data, new Shape(shape));
        array.setName(name);
        values.put(name, array);
        return array;
    }

    /** After all modules are built: loaded tensors that nothing declared mean config and checkpoint differ. */
    public void requireAllUsed() {
        if (loaded == null) {
            return;
        }
        Set<String> unused = new TreeSet<>(loaded.keySet());
        unused.removeAll(values.keySet());
        unused.removeIf(ignorable::contains);
        if (!unused.isEmpty()) {
            throw new IllegalArgumentException("checkpoint has tensors the config does not describe: " + unused);
        }
    }

    public NDArray get(String name) {
        NDArray a = values.get(name);
        if (a == null) {
            throw new IllegalArgumentException("no parameter named '" + name + "'");
        }
        return a;
    }

    public Map<String, NDArray> all() {
        return Collections.unmodifiableMap(values);
    }

    public long count() {
        return values.values().stream().mapToLong(a -> a.getShape().size()).sum();
    }

    public void requireGradients(boolean on) {
        values.values().forEach(a -> a.setRequiresGradient(on));
    }

    /** Copies of every parameter as heap tensors, in declaration order (for checkpoints). */
    public Map<String, TensorData> snapshot() {
        Map<String, TensorData> out = new LinkedHashMap<>();
        values.forEach((k, v) -> out.put(k, heap(v)));
        return out;
    }

    /** A heap copy of an array's values as float32. */
    public static TensorData heap(NDArray a) {
        return new TensorData(a.getShape().getShape(), a.toType(DataType.FLOAT32, false).toFloatArray());
    }

    public Set<String> names() {
        return new LinkedHashSet<>(values.keySet());
    }

    @Override
    public void close() {
        manager.close();
    }
}
