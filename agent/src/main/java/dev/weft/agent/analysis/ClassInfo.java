package dev.weft.agent.analysis;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.objectweb.asm.AnnotationVisitor;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.MethodNode;

/**
 * What the weaver needs to know of one class without loading it: its supertypes and which of its
 * methods are declared {@code @Suspendable} (directly, or as bridges to such methods).
 */
public final class ClassInfo {
    /** The descriptor of the {@code @Suspendable} annotation. */
    public static final String SUSPENDABLE_DESC = "Ldev/weft/Suspendable;";

    final String name;
    final String superName;
    final List<String> interfaces;
    final boolean isInterface;
    /** name+descriptor of methods annotated here, and of bridge methods' targets (see {@link #bridges}). */
    final Set<String> annotated;
    /**
     * bridge name+descriptor to the name+descriptor it forwards to in this class; null when not read
     * (a class that names no Weft type, read from its header only: its bridges matter only if it
     * inherits suspendable methods, and are read then).
     */
    final Map<String, String> bridges;
    /**
     * Synthetic forwarder name+descriptor to the name+descriptor it calls in this class, which makes it
     * suspendable when its target is: Kotlin's {@code f$default} (fills in default arguments, then
     * calls {@code f}) and Scala's trait accessor {@code f$} (a static that calls the default method
     * {@code f} with {@code invokespecial}). Their compilers copy no annotation onto them. Null when
     * {@link #bridges} is.
     */
    final Map<String, String> forwarders;
    /** Every suspendable name+descriptor visible in this class, inherited ones included; computed lazily. */
    volatile Set<String> suspendable;

    ClassInfo(String name, String superName, List<String> interfaces, boolean isInterface, Set<String> annotated,
            Map<String, String> bridges, Map<String, String> forwarders) {
        this.name = name;
        this.superName = superName;
        this.interfaces = interfaces;
        this.isInterface = isInterface;
        this.annotated = annotated;
        this.bridges = bridges;
        this.forwarders = forwarders;
    }

    /**
     * Reads what the hierarchy needs of a class file: only its header when nothing in it names a Weft
     * type (nearly every class: no method of it can carry the annotation), else its method annotations
     * and bridges too: then the header must have the whole file ({@link ClassHeader#read} gives it).
     */
    static ClassInfo read(ClassHeader header) {
        return header.mentionsWeft ? readMethods(header.bytes()) : of(header);
    }

    /**
     * Reads what the hierarchy needs of a class from its facts: as {@link #read(ClassHeader)}; facts that
     * say the class names a Weft type always come with the whole file.
     */
    static ClassInfo read(ClassFacts facts) {
        return facts.mentionsWeft ? readMethods(facts.header.bytes()) : of(facts);
    }

    /** The info of a class that names no Weft type, from its facts: nothing annotated, bridges not read. */
    static ClassInfo of(ClassFacts facts) {
        return new ClassInfo(facts.name(), facts.superName, facts.interfaces.length == 0 ? List.of() : List.of(facts.interfaces),
                (facts.access & Opcodes.ACC_INTERFACE) != 0, Set.of(), null, null);
    }

    /** The info of a class that names no Weft type, from its header: nothing annotated, bridges not read. */
    static ClassInfo of(ClassHeader header) {
        return of(header, header.name(), header.superName(), header.interfaces());
    }

    /** As {@link #of(ClassHeader)}, given the names already read from the header. */
    static ClassInfo of(ClassHeader header, String name, String superName, String[] interfaces) {
        return new ClassInfo(name, superName, interfaces.length == 0 ? List.of() : List.of(interfaces),
                (header.access & Opcodes.ACC_INTERFACE) != 0, Set.of(), null, null);
    }

    /** Reads the header and method annotations of a class file, skipping code except in bridge methods. */
    static ClassInfo readMethods(byte[] bytes) {
        ClassReader reader = new ClassReader(bytes);
        Set<String> annotated = new HashSet<>();
        Map<String, String> bridges = new java.util.HashMap<>();
        Map<String, String> forwarders = new java.util.HashMap<>();
        String[] header = new String[1];
        int[] access = new int[1];
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public void visit(int version, int acc, String name, String signature, String superName,
                    String[] interfaces) {
                header[0] = name;
                access[0] = acc;
            }

            @Override
            public MethodVisitor visitMethod(int acc, String name, String descriptor, String signature,
                    String[] exceptions) {
                String key = name + descriptor;
                boolean bridge = (acc & Opcodes.ACC_BRIDGE) != 0;
                String forwarded = forwardedName(acc, name);
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                        if (SUSPENDABLE_DESC.equals(desc)) {
                            annotated.add(key);
                        }
                        return null;
                    }

                    @Override
                    public void visitMethodInsn(int opcode, String owner, String mname, String mdesc, boolean itf) {
                        if (bridge && owner.equals(header[0]) && mname.equals(name) && !bridges.containsKey(key)) {
                            bridges.put(key, mname + mdesc);
                        }
                        if (forwarded != null && owner.equals(header[0]) && mname.equals(forwarded)) {
                            forwarders.putIfAbsent(key, mname + mdesc);
                        }
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return new ClassInfo(header[0], reader.getSuperName(), List.of(reader.getInterfaces()),
                (access[0] & Opcodes.ACC_INTERFACE) != 0, annotated, bridges, forwarders);
    }

    /** Builds the info of a class already parsed into a tree. */
    static ClassInfo of(ClassNode node) {
        Set<String> annotated = new HashSet<>();
        Map<String, String> bridges = new java.util.HashMap<>();
        Map<String, String> forwarders = new java.util.HashMap<>();
        for (MethodNode m : node.methods) {
            String key = m.name + m.desc;
            if (hasSuspendable(m.visibleAnnotations) || hasSuspendable(m.invisibleAnnotations)) {
                annotated.add(key);
            }
            if ((m.access & Opcodes.ACC_BRIDGE) != 0 && m.instructions != null) {
                for (var insn : m.instructions) {
                    if (insn instanceof org.objectweb.asm.tree.MethodInsnNode) {
                        var call = (org.objectweb.asm.tree.MethodInsnNode) insn;
                        if (call.owner.equals(node.name) && call.name.equals(m.name)) {
                            bridges.put(key, call.name + call.desc);
                            break;
                        }
                    }
                }
            }
            String forwarded = forwardedName(m.access, m.name);
            if (forwarded != null && m.instructions != null) {
                for (var insn : m.instructions) {
                    if (insn instanceof org.objectweb.asm.tree.MethodInsnNode) {
                        var call = (org.objectweb.asm.tree.MethodInsnNode) insn;
                        if (call.owner.equals(node.name) && call.name.equals(forwarded)) {
                            forwarders.put(key, call.name + call.desc);
                            break;
                        }
                    }
                }
            }
        }
        List<String> interfaces = node.interfaces == null ? List.of() : List.copyOf(node.interfaces);
        return new ClassInfo(node.name, node.superName, interfaces, (node.access & Opcodes.ACC_INTERFACE) != 0,
                annotated, bridges, forwarders);
    }

    /**
     * The name of the method a synthetic forwarder calls ({@code f} for {@code f$default} and for a
     * static {@code f$}), or null for any other method.
     */
    static String forwardedName(int access, String name) {
        if ((access & Opcodes.ACC_SYNTHETIC) == 0 || (access & Opcodes.ACC_BRIDGE) != 0) {
            return null;
        }
        if (name.endsWith("$default") && name.length() > "$default".length()) {
            return name.substring(0, name.length() - "$default".length());
        }
        if ((access & Opcodes.ACC_STATIC) != 0 && name.endsWith("$") && name.length() > 1) {
            return name.substring(0, name.length() - 1);
        }
        return null;
    }

    private static boolean hasSuspendable(List<AnnotationNode> annotations) {
        if (annotations != null) {
            for (AnnotationNode a : annotations) {
                if (SUSPENDABLE_DESC.equals(a.desc)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@return the internal name of the class} */
    public String name() {
        return name;
    }

    /** {@return true for interfaces and annotation types} */
    public boolean isInterface() {
        return isInterface;
    }

    static Set<String> none() {
        return Collections.emptySet();
    }
}
