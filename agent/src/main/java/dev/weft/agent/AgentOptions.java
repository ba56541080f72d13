package dev.weft.agent;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The agent's options, from {@code -javaagent:weft-agent.jar=opt1,opt2}: {@code verify},
 * {@code verbose} (each also as {@code =true} or {@code =false}), {@code include=pkg.a;pkg.b},
 * {@code exclude=pkg.c}, {@code dump=DIR}, {@code sleep=cooperative} (the default) or
 * {@code sleep=thread}, {@code cache=DIR} (keep what start-up reads of each jar's classes there, for
 * the next run: {@link dev.weft.agent.analysis.JarIndex}). Empty entries between commas are ignored.
 */
final class AgentOptions {
    final boolean verify;
    final boolean verbose;
    final List<String> include;
    final List<String> exclude;
    final Path dump;
    /** The directory of the jars' indexes kept between runs; null: none kept. */
    final Path cache;
    /**
     * Whether {@code Thread.sleep} and {@code TimeUnit.sleep} in woven methods become a cooperative sleep
     * in a hub's greenlet.
     */
    final boolean cooperativeSleep;

    private AgentOptions(boolean verify, boolean verbose, List<String> include, List<String> exclude, Path dump,
            Path cache, boolean cooperativeSleep) {
        this.verify = verify;
        this.verbose = verbose;
        this.include = include;
        this.exclude = exclude;
        this.dump = dump;
        this.cache = cache;
        this.cooperativeSleep = cooperativeSleep;
    }

    /**
     * Parses an option string.
     *
     * @throws IllegalArgumentException naming an option it does not know
     */
    static AgentOptions parse(String args) {
        boolean verify = Boolean.getBoolean("weft.verify");
        boolean verbose = false;
        List<String> include = new ArrayList<>();
        List<String> exclude = new ArrayList<>();
        Path dump = null;
        Path cache = null;
        boolean cooperativeSleep = true;
        if (args != null && !args.isBlank()) {
            for (String opt : args.split(",")) {
                opt = opt.trim();
                if (opt.isEmpty()) {
                    continue;
                }
                int eq = opt.indexOf('=');
                String key = eq < 0 ? opt : opt.substring(0, eq);
                String value = eq < 0 ? null : opt.substring(eq + 1);
                switch (key) {
                    case "verify":
                        verify = flag(opt, value);
                        break;
                    case "verbose":
                        verbose = flag(opt, value);
                        break;
                    case "include":
                        include.addAll(packages(key, value));
                        break;
                    case "exclude":
                        exclude.addAll(packages(key, value));
                        break;
                    case "dump":
                        if (value == null || value.isEmpty()) {
                            throw new IllegalArgumentException("Weft agent option dump needs a directory: dump=DIR");
                        }
                        dump = Path.of(value);
                        break;
                    case "cache":
                        if (value == null || value.isEmpty()) {
                            throw new IllegalArgumentException("Weft agent option cache needs a directory: cache=DIR");
                        }
                        cache = Path.of(value).toAbsolutePath();
                        break;
                    case "sleep":
                        if ("cooperative".equals(value)) {
                            cooperativeSleep = true;
                        } else if ("thread".equals(value)) {
                            cooperativeSleep = false;
                        } else {
                            throw new IllegalArgumentException("Weft agent option '" + opt + "' takes sleep=cooperative "
                                    + "(Thread.sleep in woven code suspends only its greenlet, the default) or "
                                    + "sleep=thread (Thread.sleep always blocks the thread)");
                        }
                        break;
                    default:
                        throw new IllegalArgumentException("unknown Weft agent option '" + opt
                                + "'; expected verify, verbose, include=pkg.a;pkg.b, exclude=pkg.c, dump=DIR, "
                                + "cache=DIR or sleep=cooperative|thread");
                }
            }
        }
        return new AgentOptions(verify, verbose, List.copyOf(include), List.copyOf(exclude), dump, cache,
                cooperativeSleep);
    }

    /** A flag is on when named alone or as {@code name=true}, off as {@code name=false}. */
    private static boolean flag(String opt, String value) {
        if (value == null || value.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (value.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw new IllegalArgumentException("Weft agent option '" + opt + "' takes no value other than true or false");
    }

    private static List<String> packages(String key, String value) {
        List<String> out = new ArrayList<>();
        if (value != null) {
            for (String p : value.split(";")) {
                if (!p.isBlank()) {
                    out.add(p.trim().replace('.', '/') + "/");
                }
            }
        }
        if (out.isEmpty()) {
            // An empty include list would mean "weave everything", the opposite of what was asked.
            throw new IllegalArgumentException("Weft agent option " + key + " needs packages: " + key + "=pkg.a;pkg.b");
        }
        return out;
    }

    /** True when the options let the class (internal name) be woven. */
    boolean accepts(String className) {
        if (exclude.isEmpty() && include.isEmpty()) {
            return true; // the default, asked for every class the JVM loads: no iterators
        }
        for (String p : exclude) {
            if (className.startsWith(p)) {
                return false;
            }
        }
        if (include.isEmpty()) {
            return true;
        }
        for (String p : include) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }
}
