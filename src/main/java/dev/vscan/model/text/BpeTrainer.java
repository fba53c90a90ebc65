package dev.vscan.model.text;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Learns byte-level BPE merges from text, deterministically: each step merges the most frequent adjacent
 * pair, ties going to the lexicographically smallest pair, until the vocabulary reaches its target size.
 */
final class BpeTrainer {

    // GPT-2's split, the one Hugging Face's ByteLevel pre-tokenizer applies with use_regex = true, so the
    // learnt merges fit the pieces the tokenizer will see.
    private static final Pattern GPT2_PRE_TOKEN = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+",
            Pattern.UNICODE_CHARACTER_CLASS);

    /** Learnt merges in rank order, as "left right", and the tokens they added in id order. */
    record Result(List<String> merges, List<String> newTokens) {
    }

    private BpeTrainer() {
    }

    /**
     * Trains until {@code targetNewTokens} tokens beyond the byte alphabet exist, on GPT-2's pre-tokens.
     *
     * @throws IllegalArgumentException if the text runs out of pairs first
     */
    static Result train(List<String> lines, int targetNewTokens) {
        return train(lines, targetNewTokens, GPT2_PRE_TOKEN);
    }

    /**
     * Trains on the pieces {@code preToken} cuts each line (and its newline) into: the split the
     * tokenizer's pre-tokenizer applies, so no merge spans a boundary the tokenizer will never join.
     *
     * @throws IllegalArgumentException if the text runs out of pairs first
     */
    static Result train(List<String> lines, int targetNewTokens, Pattern preToken) {
        List<Word> words = countWords(lines, preToken);
        List<String> merges = new ArrayList<>();
        List<String> newTokens = new ArrayList<>();
        Set<String> known = new HashSet<>();
        for (int b = 0; b < 256; b++) {
            known.add(String.valueOf(ByteLevelAlphabet.symbol(b)));
        }
        while (newTokens.size() < targetNewTokens) {
            String[] best = mostFrequentPair(words);
            if (best == null) {
                throw new IllegalArgumentException("the built-in corpus supports at most " + newTokens.size()
                        + " learnt tokens beyond the byte alphabet; ask for a smaller vocabularySize");
            }
            merges.add(best[0] + " " + best[1]);
            String merged = best[0] + best[1];
            // Two different pairs can spell the same token; the vocabulary keeps it once.
            if (known.add(merged)) {
                newTokens.add(merged);
            }
            for (Word word : words) {
                word.merge(best[0], best[1], merged);
            }
        }
        return new Result(List.copyOf(merges), List.copyOf(newTokens));
    }

    private static List<Word> countWords(List<String> lines, Pattern preToken) {
        // Sorted so the order of words, and thus of everything after, does not depend on hashing.
        Map<String, Long> counts = new TreeMap<>();
        for (String line : lines) {
            Matcher m = preToken.matcher(line + "\n");
            while (m.find()) {
                counts.merge(ByteLevelAlphabet.encode(m.group()), 1L, Long::sum);
            }
        }
        List<Word> words = new ArrayList<>(counts.size());
        counts.forEach((text, count) -> words.add(new Word(text, count)));
        return words;
    }

    private static String[] mostFrequentPair(List<Word> words) {
        Map<String, Long> pairCounts = new HashMap<>();
        for (Word word : words) {
            for (int i = 0; i + 1 < word.symbols.size(); i++) {
                // Byte-level symbols never contain a space, so "left right" identifies the pair and
                // compares like the (left, right) tuple.
                pairCounts.merge(word.symbols.get(i) + " " + word.symbols.get(i + 1), word.count, Long::sum);
            }
        }
        String bestKey = null;
        long bestCount = 0;
        for (Map.Entry<String, Long> e : pairCounts.entrySet()) {
            long count = e.getValue();
            if (count > bestCount || (count == bestCount && e.getKey().compareTo(bestKey) < 0)) {
                bestKey = e.getKey();
                bestCount = count;
            }
        }
        return bestKey == null ? null : bestKey.split(" ", 2);
    }

    /** A distinct pre-token with its frequency, split into its current symbols. */
    private static final class Word {
        final long count;
        List<String> symbols;

        Word(String text, long count) {
            this.count = count;
            this.symbols = new ArrayList<>(text.length());
            text.codePoints().forEach(cp -> symbols.add(new String(Character.toChars(cp))));
        }

        void merge(String left, String right, String merged) {
            if (symbols.size() < 2) {
                return;
            }
            List<String> out = new ArrayList<>(symbols.size());
            int i = 0;
            while (i < symbols.size()) {
                if (i + 1 < symbols.size() && symbols.get(i).equals(left) && symbols.get(i + 1).equals(right)) {
                    out.add(merged);
                    i += 2;
                } else {
                    out.add(symbols.get(i++));
                }
            }
            symbols = out;
        }
    }
}
