package dev.weft.agent.analysis;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.ClassNode;

/**
 * The class hierarchy as seen by one class loader, built from class-file bytes found through the
 * loader's resources, never by loading classes: a transformer that loads classes meets
 * {@code ClassCircularityError}, deadlocks and the wrong loader.
 *
 * <p>Answers which methods are suspendable ({@code @Suspendable} on the method or on the method it
 * overrides, anywhere up the hierarchy) and the subtyping questions that frame computation asks.
 */
public final class ClassHierarchy {
    private static final String OBJECT = "java/lang/Object";
    private static final ClassInfo MISSING = new ClassInfo("?", OBJECT, java.util.List.of(), false, Set.of(), Map.of(),
            Map.of());
    private static final Map<ClassLoader, ClassHierarchy> BY_LOADER = Collections.synchronizedMap(new WeakHashMap<>());
    private static final ClassHierarchy BOOT = new ClassHierarchy(null);
    /** The hierarchy returned last (a benign race: a stale value only costs the map lookup). */
    private static volatile ClassHierarchy lastUsed;

    private final WeakReference<ClassLoader> loader;
    private final ConcurrentHashMap<String, ClassInfo> infos = new ConcurrentHashMap<>();
    /**
     * The loader's class path, then the origins of classes it loaded from elsewhere, in the order first
     * seen; null until a class is first looked for there (a benign race may drop an origin, which only
     * sends a lookup through the loader).
     */
    private volatile Origin[] origins;

    private ClassHierarchy(ClassLoader loader) {
        this.loader = new WeakReference<>(loader);
    }

    /**
     * Returns the hierarchy seen by a class loader: the same instance for as long as the loader lives.
     *
     * @param loader the loader, null for the bootstrap loader
     * @return the loader's hierarchy, created on first use
     */
    public static ClassHierarchy of(ClassLoader loader) {
        if (loader == null) {
            return BOOT;
        }
        // Classes mostly load in runs from one loader: skip the synchronized map for a repeat.
        ClassHierarchy last = lastUsed;
        if (last != null && last.loader.get() == loader) {
            return last;
        }
        last = BY_LOADER.computeIfAbsent(loader, ClassHierarchy::new);
        lastUsed = last;
        return last;
    }

    /**
     * True for classes of the JDK: in {@link #isPlatform platform} packages or in a package of a module
     * the boot or the platform loader defines (such as {@code org/xml/sax}). They never declare
     * suspendable methods, so a supertype of theirs need not be read to know that.
     */
    static boolean isJdk(String name) {
        if (isPlatform(name)) {
            return true;
        }
        int slash = name.lastIndexOf('/');
        return slash > 0 && JdkPackages.NAMES.contains(name.substring(0, slash));
    }

    /** The JDK's packages that {@link #isPlatform} does not cover; computed when first needed. */
    private static final class JdkPackages {
        static final Set<String> NAMES = jdkPackages(ModuleLayer.boot().modules());
    }

    /**
     * The packages, in internal form, of those of {@code modules} that the boot or the platform loader
     * defines, except the packages {@link #isPlatform} covers already. Modules of the application's own
     * (on the module path, in the boot layer too) are the application loader's and are left out: their
     * classes may well declare suspendable methods, and Weft's runtime may be one of them.
     *
     * <p>Leaving out the packages of {@link #isPlatform} (nearly all of the JDK's) keeps this short: it
     * is computed at start-up, while the agent runs interpreted.
     *
     * @param modules the modules of a layer
     * @return the packages' internal names
     */
    static Set<String> jdkPackages(Iterable<Module> modules) {
        ClassLoader platform = ClassLoader.getPlatformClassLoader();
        Set<String> names = new HashSet<>();
        for (Module m : modules) {
            ClassLoader l = m.getClassLoader();
            if (l != null && l != platform) {
                continue;
            }
            for (String p : m.getPackages()) {
                if (!(p.startsWith("java.") || p.startsWith("javax.") || p.startsWith("jdk.") || p.startsWith("sun.")
                        || p.startsWith("com.sun."))) {
                    names.add(p.replace('.', '/'));
                }
            }
        }
        return names;
    }

    /**
     * Tells, from the name alone, whether a class is in a package whose classes never declare
     * suspendable methods: {@code java/}, {@code javax/}, {@code jdk/}, {@code sun/}, {@code com/sun/}.
     *
     * @param name an internal class name
     * @return true for the JDK's packages, which the agent never reads or weaves
     */
    public static boolean isPlatform(String name) {
        return name.startsWith("java/") || name.startsWith("javax/") || name.startsWith("jdk/")
                || name.startsWith("sun/") || name.startsWith("com/sun/");
    }

    /**
     * Records a class being transformed, so it is not read again through the loader.
     *
     * @param node the class as parsed, with its methods and their annotations
     */
    public void define(ClassNode node) {
        infos.put(node.name, ClassInfo.of(node));
    }

    /**
     * Records the header of a class being loaded that names no Weft type, unless the class is known
     * already or final, so that its subclasses loaded later need not read its bytes through the loader.
     *
     * @param header the header of the class being loaded
     */
    public void remember(ClassHeader header) {
        remember(header, header.superName(), header.interfaces());
    }

    /**
     * As {@link #remember(ClassHeader)}, given the supertypes' names already read from the header, so
     * they are not decoded twice.
     *
     * @param header the header of the class being loaded
     * @param superName the header's {@link ClassHeader#superName()}
     * @param interfaces the header's {@link ClassHeader#interfaces()}
     */
    public void remember(ClassHeader header, String superName, String[] interfaces) {
        // a final class is nobody's supertype: the selector will never ask for it
        if (!header.mentionsWeft && (header.access & Opcodes.ACC_FINAL) == 0) {
            String name = header.name();
            if (!isAnonymous(name)) {
                infos.putIfAbsent(name, ClassInfo.of(header, name, superName, interfaces));
            }
        }
    }

    /**
     * As {@link #remember(ClassHeader)}, from a class's facts.
     *
     * @param facts the facts of the class being loaded
     */
    public void remember(ClassFacts facts) {
        if (!facts.mentionsWeft && (facts.access & Opcodes.ACC_FINAL) == 0) {
            String name = facts.name();
            if (!isAnonymous(name)) {
                infos.putIfAbsent(name, ClassInfo.of(facts));
            }
        }
    }

    /**
     * True for the names javac gives anonymous classes ({@code Outer$1}): a class nothing extends, though
     * javac does not mark it final (about one class in eight). Not remembering one costs nothing but a
     * read, should another compiler's class extend a class of that name after all.
     */
    static boolean isAnonymous(String name) {
        int n = name.length();
        int i = n;
        while (i > 0 && name.charAt(i - 1) >= '0' && name.charAt(i - 1) <= '9') {
            i--;
        }
        return i < n && i > 1 && name.charAt(i - 1) == '$' && name.charAt(i - 2) != '/';
    }

    /**
     * Returns what the hierarchy knows of a class, reading its bytes through the loader when it is not
     * known yet.
     *
     * @param name an internal class name; an array type has no info
     * @return the info, or null when the class's bytes cannot be found
     */
    public ClassInfo info(String name) {
        return info(name, null);
    }

    /**
     * Returns the info of a class, or null when its bytes cannot be found; a class not known yet is
     * looked up first in {@code near} (the origin of the class being loaded), when not null.
     */
    private ClassInfo info(String name, Origin near) {
        if (name == null || name.startsWith("[")) {
            return null;
        }
        ClassInfo info = infos.get(name);
        if (info == null) {
            info = read(name, near);
            ClassInfo raced = infos.putIfAbsent(name, info);
            if (raced != null) {
                info = raced;
            }
        }
        return info == MISSING ? null : info;
    }

    private ClassInfo read(String name, Origin near) {
        try {
            ClassFacts facts = facts(name, near);
            return facts == null ? MISSING : ClassInfo.read(facts);
        } catch (RuntimeException e) {
            return MISSING;
        }
    }

    /**
     * The facts of a class, found as {@link #bytes} finds its file: from a jar's index
     * ({@link Origin#readFacts}) or from the file's header, read only as far as {@link ClassHeader#read}
     * needs; null when the file cannot be found.
     *
     * @throws IllegalArgumentException when the file found is not a class file
     */
    private ClassFacts facts(String name, Origin near) {
        if (near != null) {
            ClassFacts facts = near.readFacts(name);
            if (facts != null) {
                return facts;
            }
            for (Origin o : otherOrigins(near)) {
                if (o != near && (facts = o.readFacts(name)) != null) {
                    return facts;
                }
            }
        }
        String resource = name.concat(".class"); // not +: its invokedynamic bootstrap costs at start-up
        ClassLoader l = loader.get();
        try (InputStream in = l != null ? l.getResourceAsStream(resource) : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : ClassFacts.of(ClassHeader.read(in, -1));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The loader's class path and the other places it has loaded classes from, in that order, with
     * {@code near} among them: where a class not in {@code near} is looked for next, before the loader's
     * own lookup (slow: it probes every module of the JDK first).
     */
    private Origin[] otherOrigins(Origin near) {
        Origin[] known = origins;
        if (known == null) {
            ClassLoader l = loader.get();
            origins = known = l == null ? new Origin[0] : Origin.classPath(l).toArray(new Origin[0]);
        }
        if (!Arrays.asList(known).contains(near)) {
            origins = known = append(known, near);
        }
        return known;
    }

    /** The bytes of a class, from {@code near} when it is there, else as the loader finds them, or null. */
    private byte[] bytes(String name, Origin near) {
        if (near != null) {
            byte[] bytes = near.read(name);
            if (bytes != null) {
                return bytes;
            }
            for (Origin o : otherOrigins(near)) {
                if (o != near && (bytes = o.read(name)) != null) {
                    return bytes;
                }
            }
        }
        String resource = name.concat(".class"); // not +: its invokedynamic bootstrap costs at start-up
        ClassLoader l = loader.get();
        try (InputStream in = l != null ? l.getResourceAsStream(resource) : ClassLoader.getSystemResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static Origin[] append(Origin[] known, Origin o) {
        Origin[] more = Arrays.copyOf(known, known.length + 1);
        more[known.length] = o;
        return more;
    }

    /** The info of a class with its bridges and forwarders, read now when only its header was. */
    private ClassInfo withMethods(ClassInfo info, Origin near) {
        if (info.bridges != null) {
            return info;
        }
        try {
            byte[] bytes = bytes(info.name, near);
            return bytes == null ? MISSING : ClassInfo.readMethods(bytes);
        } catch (RuntimeException e) {
            return MISSING;
        }
    }

    // ---- suspendable methods ----------------------------------------------------------------------

    /**
     * Returns every suspendable method of a class, inherited ones included.
     *
     * @param name an internal class name
     * @return the methods as name + descriptor, such as {@code run()V}; empty for a class that cannot
     *     be found, or has none
     */
    public Set<String> suspendableMethods(String name) {
        return suspendableMethods(name, (Origin) null);
    }

    private Set<String> suspendableMethods(String name, Origin near) {
        ClassInfo info = outsideTheJdk(name, near);
        if (info == null) {
            return ClassInfo.none();
        }
        Set<String> known = info.suspendable;
        return known != null ? known : suspendableMethods(name, new HashSet<>(), near);
    }

    /**
     * The info of a class that may declare suspendable methods, read when not known yet; null for the
     * JDK's classes (not read: they declare none), arrays, and classes that cannot be found. One map
     * lookup for a class known already.
     */
    private ClassInfo outsideTheJdk(String name, Origin near) {
        if (name == null || isPlatform(name)) {
            return null;
        }
        ClassInfo info = infos.get(name);
        if (info == null) {
            if (name.startsWith("[") || isJdk(name)) {
                return null;
            }
            info = read(name, near);
            ClassInfo raced = infos.putIfAbsent(name, info);
            if (raced != null) {
                info = raced;
            }
        }
        return info == MISSING ? null : info;
    }

    /**
     * {@code visiting} holds the classes whose sets are being computed: bytes that the JVM would reject
     * with {@code ClassCircularityError} (a class its own supertype) must not overflow the stack here.
     */
    private Set<String> suspendableMethods(String name, Set<String> visiting, Origin near) {
        ClassInfo info = outsideTheJdk(name, near);
        if (info == null) {
            return ClassInfo.none();
        }
        Set<String> all = info.suspendable;
        if (all == null) {
            if (!visiting.add(name)) {
                return ClassInfo.none();
            }
            // nearly every set is empty: no set is made until something is in it
            all = union(null, suspendableMethods(info.superName, visiting, near));
            for (String itf : info.interfaces) {
                all = union(all, suspendableMethods(itf, visiting, near));
            }
            all = union(all, info.annotated);
            if (all != null) {
                ClassInfo methods = withMethods(info, near);
                for (Map.Entry<String, String> bridge : methods.bridges.entrySet()) {
                    if (all.contains(bridge.getKey())) {
                        all.add(bridge.getValue());
                    }
                }
                for (Map.Entry<String, String> forwarder : methods.forwarders.entrySet()) {
                    if (all.contains(forwarder.getValue())) {
                        all.add(forwarder.getKey());
                    }
                }
            }
            all = all == null ? ClassInfo.none() : Set.copyOf(all);
            info.suspendable = all;
            visiting.remove(name);
        }
        return all;
    }

    /** {@code all} with {@code more} added, made when null and {@code more} is not empty. */
    private static Set<String> union(Set<String> all, Set<String> more) {
        if (more.isEmpty()) {
            return all;
        }
        if (all == null) {
            all = new HashSet<>();
        }
        all.addAll(more);
        return all;
    }

    /**
     * Tells whether a call to {@code owner.name descriptor} may suspend: a call site to weave as a
     * suspension point, or a lambda's functional-interface method whose body is woven.
     *
     * @param owner the internal name of the class the call instruction names
     * @param name the method's name
     * @param descriptor the method's descriptor
     * @return true when the method, or one it overrides, is {@code @Suspendable}
     */
    public boolean isSuspendable(String owner, String name, String descriptor) {
        Set<String> methods = suspendableMethods(owner);
        return !methods.isEmpty() && methods.contains(name + descriptor);
    }

    /**
     * Tells whether a class or one of its supertypes declares a suspendable method.
     *
     * @param name an internal class name
     * @return true when the class has a suspendable method of its own or inherited; false when it
     *     cannot be found
     */
    public boolean hasSuspendableMethods(String name) {
        return !suspendableMethods(name).isEmpty();
    }

    /**
     * Tells whether a class or one of its supertypes declares a suspendable method, looking classes not
     * known yet up first where the class being loaded came from.
     *
     * @param name an internal class name
     * @param near the origin of the class being loaded; null to look through the loader only
     * @return true when the class has a suspendable method of its own or inherited; false when it
     *     cannot be found
     */
    public boolean hasSuspendableMethods(String name, Origin near) {
        return !suspendableMethods(name, near).isEmpty();
    }

    /**
     * Returns the suspendable methods of a type, inherited ones included, when the hierarchy knows them
     * without reading a class file: for the JDK's classes, and for classes whose sets are known.
     *
     * @param name an internal class name, or null (no type: none)
     * @return the methods as {@link #suspendableMethods(String)} gives them; null when they are not known
     *     yet ({@link #hasSuspendableMethods(String, Origin)} would compute them, reading if it must)
     */
    public Set<String> knownSuspendableMethods(String name) {
        if (name == null || isPlatform(name)) {
            return ClassInfo.none();
        }
        ClassInfo info = infos.get(name);
        if (info == null) {
            return name.startsWith("[") || isJdk(name) ? ClassInfo.none() : null;
        }
        return info == MISSING ? ClassInfo.none() : info.suspendable;
    }

    // ---- subtyping, for frames -----------------------------------------------------------------

    /**
     * Tells whether a type is an interface.
     *
     * @param name an internal class name
     * @return true for interfaces; false for classes and for classes that cannot be found
     */
    public boolean isInterface(String name) {
        ClassInfo info = info(name);
        return info != null && info.isInterface;
    }

    /**
     * Returns the superclass of a class, as the verifier's type merging sees it.
     *
     * @param name an internal class name
     * @return the superclass; {@code java/lang/Object} for interfaces and classes that cannot be
     *     found; null for {@code java/lang/Object} itself
     */
    public String superName(String name) {
        if (OBJECT.equals(name)) {
            return null;
        }
        ClassInfo info = info(name);
        if (info == null || info.isInterface || info.superName == null) {
            return OBJECT;
        }
        return info.superName;
    }

    /**
     * Tells whether a value of one type can be assigned to a variable of another.
     *
     * @param to the internal name of the variable's type
     * @param from the internal name of the value's type
     * @return true when {@code from} is {@code to} or a subtype of it; false when the chain of
     *     supertypes cannot be read
     */
    public boolean isAssignable(String to, String from) {
        if (to.equals(from) || OBJECT.equals(to)) {
            return true;
        }
        return isSubtype(from, to, 0);
    }

    private boolean isSubtype(String from, String to, int depth) {
        if (from == null || depth > 64) {
            return false;
        }
        if (from.equals(to)) {
            return true;
        }
        ClassInfo info = info(from);
        if (info == null) {
            return false;
        }
        if (isSubtype(info.superName, to, depth + 1)) {
            return true;
        }
        for (String itf : info.interfaces) {
            if (isSubtype(itf, to, depth + 1)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Returns the nearest common superclass of two classes, as {@code ClassWriter.getCommonSuperClass}
     * defines it: the type a stack map frame gives a value that is one or the other.
     *
     * @param a an internal class name
     * @param b another internal class name
     * @return {@code a} or {@code b} when one is assignable to the other; {@code java/lang/Object} when
     *     either is an interface; else the first superclass of {@code a} that {@code b} extends
     */
    public String commonSuperClass(String a, String b) {
        if (isAssignable(a, b)) {
            return a;
        }
        if (isAssignable(b, a)) {
            return b;
        }
        if (isInterface(a) || isInterface(b)) {
            return OBJECT;
        }
        String s = a;
        for (int guard = 0; guard < 64; guard++) {
            s = superName(s);
            if (s == null) {
                return OBJECT;
            }
            if (isAssignable(s, b)) {
                return s;
            }
        }
        return OBJECT; // a superclass chain that never reaches Object: malformed (cyclic) class files
    }
}
