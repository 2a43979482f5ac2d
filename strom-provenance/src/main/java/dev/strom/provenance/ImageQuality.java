package dev.strom.provenance;

import dev.strom.data.Clip;

/** How far a marked clip is from the unmarked one: PSNR over RGB and mean SSIM of luma (8x8 windows). */
public record ImageQuality(double psnr, double ssim) {

    public static ImageQuality between(Clip reference, Clip test) {
        if (reference.frames() != test.frames() || reference.width() != test.width() || reference.height() != test.height()) {
            throw new IllegalArgumentException("clips differ in size");
        }
        byte[] a = reference.rgb();
        byte[] b = test.rgb();
        double se = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (a[i] & 0xff) - (b[i] & 0xff);
            se += d * d;
        }
        double mse = se / a.length;
        double psnr = mse == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(255.0 * 255.0 / mse);
        return new ImageQuality(psnr, ssim(reference, test));
    }

    /** Wang et al.'s SSIM on luma, averaged over non-overlapping 8x8 windows of every frame. */
    private static double ssim(Clip x, Clip y) {
        final double c1 = Math.pow(0.01 * 255, 2);
        final double c2 = Math.pow(0.03 * 255, 2);
        int w = x.width();
        int h = x.height();
        double total = 0;
        int windows = 0;
        for (int t = 0; t < x.frames(); t++) {
            for (int y0 = 0; y0 + 8 <= h; y0 += 8) {
                for (int x0 = 0; x0 + 8 <= w; x0 += 8) {
                    double sa = 0, sb = 0, saa = 0, sbb = 0, sab = 0;
                    for (int yy = y0; yy < y0 + 8; yy++) {
                        for (int xx = x0; xx < x0 + 8; xx++) {
                            double p = luma(x, t, yy, xx);
                            double q = luma(y, t, yy, xx);
                            sa += p;
                            sb += q;
                            saa += p * p;
                            sbb += q * q;
                            sab += p * q;
                        }
                    }
                    double n = 64;
                    double ma = sa / n, mb = sb / n;
                    double va = saa / n - ma * ma, vb = sbb / n - mb * mb, cov = sab / n - ma * mb;
                    total += ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma * ma + mb * mb + c1) * (va + vb + c2));
                    windows++;
                }
            }
        }
        return total / windows;
    }

    private static double luma(Clip c, int t, int y, int x) {
        return 0.299 * c.pixel(t, y, x, 0) + 0.587 * c.pixel(t, y, x, 1) + 0.114 * c.pixel(t, y, x, 2);
    }
}
