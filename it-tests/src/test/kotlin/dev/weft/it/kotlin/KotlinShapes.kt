// Trap 22: class files from the Kotlin compiler. Each function below has a shape javac never emits;
// KotlinClassesTest (Java) drives them with the differential harness. Probe.point and Probe.pass are
// the suspension points: plain calls in the plain run, yields when the harness drives a coroutine.
package dev.weft.it.kotlin

import dev.weft.Suspendable
import dev.weft.SuspendableCallable
import dev.weft.SuspendableRunnable
import dev.weft.it.Probe

/** A top-level function: a static method of the file class `KotlinShapesKt`. */
@Suspendable
fun sumTo(n: Int): Int {
    var sum = 0
    for (i in 1..n) {
        sum += Probe.point("sum", i)
    }
    return sum
}

/** An extension function: a static method taking its receiver first. */
@Suspendable
fun String.shout(times: Int): String {
    val sb = StringBuilder()
    repeat(times) { sb.append(Probe.pass("shout", uppercase())) } // repeat is inline: its body lands here
    return sb.toString()
}

/**
 * Default arguments: a call that omits some goes to the synthetic static `label$default`, which fills
 * them in and calls `label`; it carries no annotation of its own.
 */
@Suspendable
fun label(prefix: String, times: Int = 2, suffix: String? = null): String {
    val sb = StringBuilder(prefix)
    for (i in 0 until times) {
        sb.append(Probe.point("times", i))
    }
    return sb.append(suffix ?: Probe.pass("suffix", "none")).toString()
}

@Suspendable
fun callsWithDefaults(): String = label("a") + "|" + label("b", 1) + "|" + label("c", suffix = "!")

/** `when` on a subject, with type tests, a nested `when` over strings and suspensions in conditions and branches. */
@Suspendable
fun classify(x: Any?): String = when (x) {
    null -> "null:" + Probe.point("null", 0)
    is Int -> if (Probe.point("int", x) > 10) "big" else "small"
    is String -> when (Probe.pass("str", x)) {
        "a" -> "A"
        "b" -> "B" + Probe.point("b", 1)
        else -> "other"
    }
    is Long -> "long:" + Probe.point("long", x)
    else -> "?"
}

/** Nullable types: `Intrinsics` checks of non-null parameters on entry, `?.` and `?:` around suspensions. */
@Suspendable
fun lengths(words: List<String?>, fallback: String): Int {
    var total = 0
    for (w in words) {
        total += Probe.pass("w", w)?.length ?: Probe.point("none", fallback.length)
    }
    return total
}

/** `try`/`catch`/`finally` as an expression, with a suspension in each part. */
@Suspendable
fun guarded(fail: Boolean): Int {
    val r = try {
        Probe.point("try", 1)
        if (fail) throw IllegalStateException("boom")
        Probe.point("tryValue", 10)
    } catch (e: IllegalStateException) {
        Probe.note("caught " + e.message)
        Probe.point("catch", 20)
    } finally {
        Probe.note("finally")
        Probe.point("finally", 30)
    }
    return r + 1
}

/** An object: a singleton class whose methods are called on its `INSTANCE`. */
object Counter {
    private var count = 0L

    fun reset() {
        count = 0L
    }

    @Suspendable
    fun next(step: Long = 1L): Long {
        count += step
        return Probe.point("counter", count)
    }
}

/** A class with a companion object (a nested `Greeter$Companion` reached through a static field). */
class Greeter(private val name: String) {
    @Suspendable
    fun greet(punctuation: Char = '!'): String = "hello " + Probe.pass("name", name) + Probe.point("p", punctuation)

    companion object {
        @Suspendable
        fun create(name: String = "world"): Greeter = Greeter(Probe.pass("create", name))
    }
}

/** Kotlin lambdas converted to Weft's Java functional interfaces (SAM conversion, compiled with invokedynamic). */
@Suspendable
fun lambdas(): String {
    val parts = mutableListOf<String>()
    val task = SuspendableRunnable { parts.add("run:" + Probe.point("lambda", parts.size)) }
    task.run()
    task.run()
    val call = SuspendableCallable { Probe.pass("callable", parts.joinToString(",")) }
    return call.call()
}

/** All of the above from one body, as the harness's fixture. */
@Suspendable
fun everything(): String {
    Counter.reset()
    val greeter = Greeter.create()
    val named = Greeter.create("kotlin")
    return listOf(
        sumTo(4).toString(),
        "kt".shout(2),
        callsWithDefaults(),
        classify(null), classify(3), classify(42), classify("a"), classify("b"), classify("z"), classify(7L), classify(1.5),
        lengths(listOf("ab", null, "cde"), "xyz").toString(),
        guarded(false).toString(), guarded(true).toString(),
        Counter.next().toString(), Counter.next(10L).toString(),
        greeter.greet(), named.greet('?'),
        lambdas(),
    ).joinToString(" ")
}
