package dev.weft.it;

import dev.weft.Coroutine;
import dev.weft.Generator;
import dev.weft.Greenlet;
import dev.weft.Hub;
import dev.weft.HubGroup;
import java.util.concurrent.CompletableFuture;

/**
 * Programs that use a switching API in a JVM started without the agent, one per argument; run by
 * {@link NoAgentTest} in a JVM of their own. Each prints what its bodies do on stdout, so the test can
 * tell that no body ran half way before the error.
 */
public final class NoAgentProgram {
    private NoAgentProgram() {
    }

    /**
     * Runs one program.
     *
     * @param args the program's name: {@code sleep}, {@code spawnJoinAll}, {@code greenlet},
     *     {@code generator}, {@code coroutine} or {@code group}
     * @throws Exception whatever the program throws
     */
    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "sleep":
                Hub.sleep(100);
                System.out.println("slept");
                break;
            case "spawnJoinAll":
                Hub.joinAll(
                        Hub.spawn(() -> {
                            System.out.println("foo");
                            Hub.sleep(200);
                            System.out.println("foo again");
                        }),
                        Hub.spawn(() -> {
                            System.out.println("bar");
                            Hub.sleep(100);
                            System.out.println("bar again");
                        }));
                break;
            case "greenlet":
                Greenlet[] gr = new Greenlet[2];
                gr[0] = new Greenlet(() -> {
                    System.out.println(12);
                    gr[1].switchTo();
                    System.out.println(34);
                });
                gr[1] = new Greenlet(() -> {
                    System.out.println(56);
                    gr[0].switchTo();
                    System.out.println(78);
                });
                gr[0].switchTo();
                break;
            case "generator":
                for (int i : Generator.<Integer>of(() -> {
                    Generator.yield(1);
                    Generator.yield(2);
                })) {
                    System.out.println(i);
                }
                break;
            case "coroutine":
                Coroutine<String, String> c = Coroutine.of(() -> {
                    String got = Coroutine.yield("ready");
                    Coroutine.yield("got " + got);
                });
                System.out.println(c.next());
                System.out.println(c.send("x"));
                break;
            case "group":
                try (HubGroup group = HubGroup.start(2)) {
                    CompletableFuture<Integer> first = group.spawn(0, () -> {
                        System.out.println("first");
                        Hub.sleep(10);
                        return 1;
                    });
                    CompletableFuture<Integer> second = group.spawn(1, () -> {
                        System.out.println("second");
                        Hub.sleep(10);
                        return 2;
                    });
                    System.out.println(first.get() + second.get());
                }
                break;
            default:
                throw new IllegalArgumentException("no program " + args[0]);
        }
    }
}
