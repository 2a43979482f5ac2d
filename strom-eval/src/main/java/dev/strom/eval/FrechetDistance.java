package dev.strom.eval;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.SingularValueDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Fréchet distance between two sets of feature vectors, each summarised by a Gaussian:
 * |mu1 - mu2|^2 + Tr(S1 + S2 - 2 (S1^1/2 S2 S1^1/2)^1/2). With the probe's features this is a
 * small-world FVD.
 */
public final class FrechetDistance {

    private FrechetDistance() {
    }

    public static double between(double[][] a, double[][] b) {
        if (a.length < 2 || b.length < 2 || a[0].length != b[0].length) {
            throw new IllegalArgumentException("need at least two vectors of equal size in each set");
        }
        double[] ma = mean(a);
        double[] mb = mean(b);
        RealMatrix sa = covariance(a, ma);
        RealMatrix sb = covariance(b, mb);
        double meanTerm = 0;
        for (int i = 0; i < ma.length; i++) {
            meanTerm += (ma[i] - mb[i]) * (ma[i] - mb[i]);
        }
        RealMatrix rootA = sqrtPsd(sa);
        RealMatrix inner = rootA.multiply(sb).multiply(rootA);
        double cross = sqrtPsd(inner.add(inner.transpose()).scalarMultiply(0.5)).getTrace();
        return Math.max(0, meanTerm + sa.getTrace() + sb.getTrace() - 2 * cross);
    }

    private static double[] mean(double[][] x) {
        double[] m = new double[x[0].length];
        for (double[] v : x) for (int i = 0; i < m.length; i++) m[i] += v[i] / x.length;
        return m;
    }

    private static RealMatrix covariance(double[][] x, double[] m) {
        int d = m.length;
        double[][] c = new double[d][d];
        for (double[] v : x) {
            for (int i = 0; i < d; i++) {
                double di = v[i] - m[i];
                for (int j = i; j < d; j++) {
                    c[i][j] += di * (v[j] - m[j]) / (x.length - 1);
                }
            }
        }
        for (int i = 0; i < d; i++) for (int j = 0; j < i; j++) c[i][j] = c[j][i];
        return new Array2DRowRealMatrix(c, false);
    }

    /**
     * Square root of a symmetric positive semi-definite matrix. Uses the SVD (for such a matrix U S U^T),
     * which always converges; the eigen-solver can fail on rank-deficient covariances of few samples.
     */
    private static RealMatrix sqrtPsd(RealMatrix m) {
        RealMatrix sym = m.add(m.transpose()).scalarMultiply(0.5);
        SingularValueDecomposition svd = new SingularValueDecomposition(sym);
        RealMatrix u = svd.getU();
        double[] sv = svd.getSingularValues();
        RealMatrix d = new Array2DRowRealMatrix(sv.length, sv.length);
        for (int i = 0; i < sv.length; i++) d.setEntry(i, i, Math.sqrt(Math.max(0, sv[i])));
        return u.multiply(d).multiply(u.transpose());
    }
}
