package dev.vscan.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.vscan.wire.InvalidRequestException;
import org.junit.jupiter.api.Test;

class RequestLimitsTest {

    @Test
    void defaultsAreEightImagesTheSchemaPromptAnd1024Tokens() {
        assertEquals(new RequestLimits(8, 8192, 1024), RequestLimits.defaults());
    }

    @Test
    void limitsBeyondTheSchemaAreRefusedWithTheField() {
        assertEquals("maxImages must be within 0..64 (the request schema's cap), got 65",
                assertThrows(IllegalArgumentException.class, () -> new RequestLimits(65, 100, 100)).getMessage());
        assertEquals("maxPromptChars must be within 1..8192 (the request schema's cap), got 0",
                assertThrows(IllegalArgumentException.class, () -> new RequestLimits(1, 0, 100)).getMessage());
        assertEquals("maxNewTokens must be within 1..4096, got 4097",
                assertThrows(IllegalArgumentException.class, () -> new RequestLimits(1, 1, 4097)).getMessage());
    }

    @Test
    void zeroImagesServesTextOnly() {
        RequestParser parser = new RequestParser(new RequestLimits(0, 10, 10));
        InvalidRequestException e = assertThrows(InvalidRequestException.class, () -> parser.parse(
                "{\"prompt\":\"q\",\"images\":[{\"url\":\"https://a/b.png\"}]}".getBytes(), null, null));
        assertEquals("request has 1 image; the limit is 0", e.getMessage());
    }
}
