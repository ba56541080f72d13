package dev.weft.examples;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class FetchTest {
    @Test
    @Timeout(120)
    void fetchesEveryUrlFromTheLocalServerAtMostTwentyAtOnce() throws Exception {
        String output = ProgramOutput.of(Fetch::main).trim();
        Matcher m = Pattern.compile("fetched (\\d+) URLs, (\\d+) bytes, at most (\\d+) at once, in (\\d+) ms")
                .matcher(output);
        assertTrue(m.matches(), output);
        long expectedBytes = 0;
        for (int n = 0; n < Fetch.URLS; n++) {
            expectedBytes += Fetch.size(n);
        }
        assertEquals(Fetch.URLS, Integer.parseInt(m.group(1)));
        assertEquals(expectedBytes, Long.parseLong(m.group(2)));
        // the pool let 20 requests out at once, and no more
        assertEquals(Fetch.CONCURRENCY, Integer.parseInt(m.group(3)), output);
    }
}
