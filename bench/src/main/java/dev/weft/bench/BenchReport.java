package dev.weft.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import javax.imageio.ImageIO;

/**
 * Reads JMH's JSON results ({@code -rf json}) for {@code bench/run.sh}: prints them as JMH's CSV
 * (which the script's ratio table reads), or draws the round trip's cost against stack depth, Weft
 * beside Loom, as a PNG.
 *
 * <pre>
 * java -cp weft-benchmarks.jar dev.weft.bench.BenchReport csv result.json &gt; result.csv
 * java -Djava.awt.headless=true -cp weft-benchmarks.jar dev.weft.bench.BenchReport plot result.json depth.png
 * </pre>
 *
 * <p>The plot uses only {@code java.awt.image.BufferedImage} and {@code ImageIO}, so it runs headless
 * with nothing but the JDK.
 */
public final class BenchReport {
    private BenchReport() {
    }

    /**
     * {@code csv RESULT.json} prints the results as CSV; {@code plot RESULT.json OUT.png} draws the plot.
     *
     * @param args the command and its files
     * @throws IOException when a file cannot be read or written, or the JSON is malformed
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 2 && args[0].equals("csv")) {
            printCsv(read(Path.of(args[1])));
        } else if (args.length == 3 && args[0].equals("plot")) {
            List<Map<String, Object>> results = read(Path.of(args[1]));
            if (!plot(results, Path.of(args[2]))) {
                System.out.println("no RoundTrip results with both weft and loom: no plot drawn");
            }
        } else {
            System.err.println("usage: BenchReport csv RESULT.json | BenchReport plot RESULT.json OUT.png");
            System.exit(2);
        }
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> read(Path json) throws IOException {
        Object parsed = new Json(Files.readString(json, StandardCharsets.UTF_8)).parse();
        if (!(parsed instanceof List)) {
            throw new IOException(json + ": expected JMH's JSON results, an array of benchmark results, but found "
                    + (parsed == null ? "null" : parsed.getClass().getSimpleName()));
        }
        return (List<Map<String, Object>>) parsed;
    }

    /**
     * JMH's CSV columns, one row per benchmark and parameter set, and one more per secondary metric (a
     * profiler's or a benchmark's own counters, as {@code Sleepers}' heap per task), named as JMH prints
     * them, {@code benchmark:metric}.
     */
    static void printCsv(List<Map<String, Object>> results) {
        TreeSet<String> params = new TreeSet<>();
        for (Map<String, Object> r : results) {
            params.addAll(params(r).keySet());
        }
        StringBuilder out = new StringBuilder("\"Benchmark\",\"Mode\",\"Threads\",\"Samples\",\"Score\",\"Score Error (99.9%)\",\"Unit\"");
        for (String p : params) {
            out.append(",\"Param: ").append(p).append('"');
        }
        out.append('\n');
        for (Map<String, Object> r : results) {
            csvRow(out, r, String.valueOf(r.get("benchmark")), map(r.get("primaryMetric")), params);
            if (r.get("secondaryMetrics") instanceof Map) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) r.get("secondaryMetrics")).entrySet()) {
                    csvRow(out, r, r.get("benchmark") + ":" + e.getKey(), map(e.getValue()), params);
                }
            }
        }
        System.out.print(out);
    }

    private static void csvRow(StringBuilder out, Map<String, Object> r, String name, Map<String, Object> metric,
            TreeSet<String> params) {
        out.append('"').append(name).append("\",\"").append(r.get("mode")).append("\",")
                .append(number(r.get("threads"))).append(',').append(samples(metric)).append(',')
                .append(number(metric.get("score"))).append(',').append(number(metric.get("scoreError")))
                .append(",\"").append(metric.get("scoreUnit")).append('"');
        Map<String, Object> values = params(r);
        for (String p : params) {
            out.append(',').append(values.containsKey(p) ? values.get(p) : "");
        }
        out.append('\n');
    }

    private static int samples(Map<String, Object> metric) {
        int n = 0;
        if (metric.get("rawData") instanceof List) {
            for (Object fork : (List<?>) metric.get("rawData")) {
                n += fork instanceof List ? ((List<?>) fork).size() : 0;
            }
        }
        return n;
    }

    private static String number(Object o) {
        if (o instanceof Double) {
            double d = (Double) o;
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%.6f", d);
        }
        return o == null ? "" : o.toString(); // JMH writes NaN as the string "NaN"
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    private static Map<String, Object> params(Map<String, Object> result) {
        return map(result.get("params"));
    }

    /** A point of a series: depth, score and its error. */
    private static final class Point {
        final int depth;
        final double score;
        final double error;

        Point(int depth, double score, double error) {
            this.depth = depth;
            this.score = score;
            this.error = Double.isNaN(error) ? 0 : error;
        }
    }

    /** Draws RoundTrip's weft and loom scores against depth; false when either series is missing. */
    static boolean plot(List<Map<String, Object>> results, Path png) throws IOException {
        TreeMap<Integer, Point> weft = new TreeMap<>();
        TreeMap<Integer, Point> loom = new TreeMap<>();
        String jdk = "";
        for (Map<String, Object> r : results) {
            String name = String.valueOf(r.get("benchmark"));
            Object depth = params(r).get("depth");
            if (!name.contains(".RoundTrip.") || depth == null) {
                continue;
            }
            Map<String, Object> metric = map(r.get("primaryMetric"));
            Point p = new Point(Integer.parseInt(depth.toString()), toDouble(metric.get("score")),
                    toDouble(metric.get("scoreError")));
            if (name.endsWith(".weft")) {
                weft.put(p.depth, p);
            } else if (name.endsWith(".loom")) {
                loom.put(p.depth, p);
            }
            jdk = r.get("vmName") + " " + r.get("jdkVersion");
        }
        if (weft.isEmpty() || loom.isEmpty()) {
            return false;
        }
        BufferedImage image = new Chart(weft, loom, jdk).draw();
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        if (!ImageIO.write(image, "png", png.toFile())) {
            throw new IOException("this JDK's ImageIO has no PNG writer");
        }
        System.out.println("round trip against stack depth plotted in " + png);
        return true;
    }

    private static double toDouble(Object o) {
        if (o instanceof Double) {
            return (Double) o;
        }
        try {
            return Double.parseDouble(String.valueOf(o));
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The line chart: log-scale depth across, linear nanoseconds up, one line with error bars per series. */
    private static final class Chart {
        static final int WIDTH = 900;
        static final int HEIGHT = 560;
        static final int LEFT = 90;
        static final int RIGHT = 40;
        static final int TOP = 70;
        static final int BOTTOM = 70;
        static final Color WEFT = new Color(0x1f, 0x77, 0xb4);
        static final Color LOOM = new Color(0xd6, 0x5f, 0x0e);

        final TreeMap<Integer, Point> weft;
        final TreeMap<Integer, Point> loom;
        final String jdk;
        final double minX;
        final double maxX;
        final double maxY;
        final double yStep;
        Graphics2D g;

        Chart(TreeMap<Integer, Point> weft, TreeMap<Integer, Point> loom, String jdk) {
            this.weft = weft;
            this.loom = loom;
            this.jdk = jdk;
            TreeSet<Integer> depths = new TreeSet<>(weft.keySet());
            depths.addAll(loom.keySet());
            minX = Math.log10(depths.first()) - 0.1;
            maxX = Math.log10(depths.last()) + 0.1;
            double top = 0;
            for (Point p : weft.values()) {
                top = Math.max(top, p.score + p.error);
            }
            for (Point p : loom.values()) {
                top = Math.max(top, p.score + p.error);
            }
            yStep = niceStep(top * 1.1 / 5);
            maxY = yStep * Math.ceil(top * 1.1 / yStep);
        }

        BufferedImage draw() {
            BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
            g = image.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
                g.setColor(Color.WHITE);
                g.fillRect(0, 0, WIDTH, HEIGHT);
                axes();
                series(loom, LOOM);
                series(weft, WEFT);
                legend();
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
                centered("One round trip (resume, then suspend) against stack depth", WIDTH / 2, 30);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
                boolean bars = false;
                for (Point p : weft.values()) {
                    bars |= p.error > 0;
                }
                for (Point p : loom.values()) {
                    bars |= p.error > 0;
                }
                centered(jdk + (bars ? "; bars: JMH's 99.9% confidence interval"
                        : "; no error bars: too few samples for JMH's confidence interval"), WIDTH / 2, 50);
            } finally {
                g.dispose();
            }
            return image;
        }

        private void axes() {
            int x0 = LEFT;
            int y0 = HEIGHT - BOTTOM;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            for (double v = 0; v <= maxY + yStep / 2; v += yStep) {
                int y = (int) Math.round(y(v));
                g.setColor(new Color(0xe6, 0xe6, 0xe6));
                g.draw(new Line2D.Double(x0, y, WIDTH - RIGHT, y));
                g.setColor(Color.DARK_GRAY);
                String label = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
                FontMetrics m = g.getFontMetrics();
                g.drawString(label, x0 - 8 - m.stringWidth(label), y + m.getAscent() / 2 - 1);
            }
            TreeSet<Integer> depths = new TreeSet<>(weft.keySet());
            depths.addAll(loom.keySet());
            for (int d : depths) {
                int x = (int) Math.round(x(d));
                g.setColor(new Color(0xe6, 0xe6, 0xe6));
                g.draw(new Line2D.Double(x, TOP, x, y0));
                g.setColor(Color.DARK_GRAY);
                centered(Integer.toString(d), x, y0 + 18);
            }
            g.setColor(Color.BLACK);
            g.setStroke(new BasicStroke(1.2f));
            g.draw(new Line2D.Double(x0, y0, WIDTH - RIGHT, y0));
            g.draw(new Line2D.Double(x0, TOP, x0, y0));
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            centered("stack depth: frames between the body and the suspension (log scale)", (x0 + WIDTH - RIGHT) / 2, HEIGHT - 25);
            Graphics2D turned = (Graphics2D) g.create();
            try {
                turned.rotate(-Math.PI / 2);
                String label = "nanoseconds per round trip";
                turned.drawString(label, -(TOP + y0) / 2 - turned.getFontMetrics().stringWidth(label) / 2, 30);
            } finally {
                turned.dispose();
            }
        }

        private void series(TreeMap<Integer, Point> points, Color color) {
            g.setColor(color);
            g.setStroke(new BasicStroke(2.5f));
            Path2D line = new Path2D.Double();
            boolean first = true;
            for (Point p : points.values()) {
                if (first) {
                    line.moveTo(x(p.depth), y(p.score));
                    first = false;
                } else {
                    line.lineTo(x(p.depth), y(p.score));
                }
            }
            g.draw(line);
            g.setStroke(new BasicStroke(1.5f));
            for (Point p : points.values()) {
                double x = x(p.depth);
                double lo = y(Math.max(0, p.score - p.error));
                double hi = y(p.score + p.error);
                g.draw(new Line2D.Double(x, lo, x, hi));
                g.draw(new Line2D.Double(x - 5, lo, x + 5, lo));
                g.draw(new Line2D.Double(x - 5, hi, x + 5, hi));
                g.fill(new Ellipse2D.Double(x - 4.5, y(p.score) - 4.5, 9, 9));
                String label = String.format(Locale.ROOT, "%.1f", p.score);
                g.drawString(label, (float) x + 8, (float) y(p.score) - 6);
            }
        }

        private void legend() {
            int x = LEFT + 20;
            int y = TOP + 10;
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            String[] names = {"Weft: Coroutine.next() to Coroutine.yield()", "Loom: Continuation.run() to Continuation.yield()"};
            Color[] colors = {WEFT, LOOM};
            for (int i = 0; i < names.length; i++) {
                g.setColor(colors[i]);
                g.setStroke(new BasicStroke(2.5f));
                g.draw(new Line2D.Double(x, y + i * 20, x + 28, y + i * 20));
                g.setColor(Color.BLACK);
                g.drawString(names[i], x + 36, y + i * 20 + 5);
            }
        }

        private void centered(String s, int x, int y) {
            g.drawString(s, x - g.getFontMetrics().stringWidth(s) / 2, y);
        }

        private double x(int depth) {
            return LEFT + (Math.log10(depth) - minX) / (maxX - minX) * (WIDTH - LEFT - RIGHT);
        }

        private double y(double ns) {
            return HEIGHT - BOTTOM - ns / maxY * (HEIGHT - TOP - BOTTOM);
        }

        /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
        private static double niceStep(double raw) {
            if (raw <= 0) {
                return 1;
            }
            double power = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double m : new double[] {1, 2, 5, 10}) {
                if (m * power >= raw) {
                    return m * power;
                }
            }
            return 10 * power;
        }
    }
}
