package dev.vscan.model.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Year;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What chat templates use of Jinja, rendered by {@link ChatTemplate} as transformers' Jinja environment
 * renders it (each expected string is Jinja 3.1's output for the same template and messages).
 */
class ChatTemplateJinjaTest {

    /** Seen by the templates as [{"role": "system", "content": [{"type": "text", "text": "  Be brief.  "}]}, …]. */
    private static final List<ChatMessage> MESSAGES = List.of(
            ChatMessage.system("  Be brief.  "),
            new ChatMessage("user", List.of(ContentPart.image(), ContentPart.text("Hi"), ContentPart.image())),
            ChatMessage.assistant("Hello"));

    private static String render(String template) {
        return new ChatTemplate(template, "test template", SpecialTokens.NONE).render(MESSAGES);
    }

    @Test
    void pythonStringMethods() {
        assertEquals("[Be brief.|Be brief.  |  Be brief.|hi|  BE BRIEF.  |  be brief.  |Hello World 1St|Hello]",
                render("{% set s = messages[0]['content'][0]['text'] %}[{{ s.strip() }}|{{ s.lstrip() }}|"
                        + "{{ s.rstrip() }}|{{ 'xxhixx'.strip('x') }}|{{ s.upper() }}|{{ s.lower() }}|"
                        + "{{ 'hello wORLD 1st'.title() }}|{{ 'hELLO'.capitalize() }}]"));
        assertEquals("c|['a', 'b', 'c']|['a', 'b,c']|a-b-c|a-bXc|True|True",
                render("{{ 'a<think>b</think>c'.split('</think>')[-1] }}|{{ ' a b  c '.split() }}|"
                        + "{{ 'a,b,c'.split(',', 1) }}|{{ 'aXbXc'.replace('X', '-') }}|"
                        + "{{ 'aXbXc'.replace('X', '-', 1) }}|{{ 'abc'.startswith('ab') }}|"
                        + "{{ 'abc'.endswith(('x', 'bc')) }}"));
        assertEquals("SYSTEM: USER: ASSISTANT: ", render("{% for m in messages %}{{ m['role'].upper() + ': ' }}{% endfor %}"));
    }

    @Test
    void aMisusedStringMethodNamesItself() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> render("{{ 'a'.split('') }}"));
        assertTrue(e.getMessage().startsWith("chat template test template failed to render: str.split(): empty separator"),
                e.getMessage());
    }

    @Test
    void loopVariablesAndNamespace() {
        assertEquals("10TrueFalse33;21FalseFalse32;32FalseTrue31;", render("{% for m in messages %}{{ loop.index }}"
                + "{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }};{% endfor %}"));
        assertEquals("2 assistant", render("{% set ns = namespace(images=0, last='') %}{% for m in messages %}"
                + "{% for c in m['content'] %}{% if c['type'] == 'image' %}{% set ns.images = ns.images + 1 %}"
                + "{% endif %}{% endfor %}{% set ns.last = m['role'] %}{% endfor %}{{ ns.images }} {{ ns.last }}"));
    }

    @Test
    void selectattrTestsAndConcatenation() {
        assertEquals("0(  Be brief.  );2(Hi);0(Hello);", render("{% for m in messages %}"
                + "{{ m['content'] | selectattr('type', 'equalto', 'image') | list | length }}"
                + "{% for c in m['content'] | rejectattr('type', 'equalto', 'image') %}({{ c['text'] }}){% endfor %};"
                + "{% endfor %}"));
        assertEquals("False/True/False;True/True/False;False/True/False;", render("{% for c in messages[1]['content'] %}"
                + "{{ 'text' in c }}/{{ c['type'] is string }}/{{ c is string }};{% endfor %}"));
        assertEquals("abc1Hello</s>", render("{{ 'a' + 'b' }}{{ 'c' ~ 1 }}{{ messages[2]['content'][0]['text'] + '</s>' }}"));
    }

    @Test
    void tojsonWritesWhatPythonsJsonDumpsWrites() {
        assertEquals("{\"role\": \"assistant\", \"content\": [{\"type\": \"text\", \"text\": \"Hello\"}]}"
                + "|{\"b\": [1, 2.5, null, true]}|[\n  1,\n  2\n]|{\"a\": \"é\", \"b\": 1}|\"\\u00e9\""
                + "|[0.1, 1e-05, 1e+16, 3.0]",
                render("{{ messages[2] | tojson }}|{{ {'b': [1, 2.5, none, true]} | tojson }}|"
                        + "{{ [1, 2] | tojson(indent=2) }}|{{ {'b': 1, 'a': 'é'} | tojson(sort_keys=true) }}|"
                        + "{{ 'é' | tojson(ensure_ascii=true) }}|{{ [0.1, 1e-05, 1e16, 3.0] | tojson }}"));
    }

    @Test
    void jinjasPrecedenceOfNotAndKeywordArguments() {
        // Jinjava alone reads the first as (not tools) is defined, and fails on the keyword argument.
        assertEquals("no tools|True|2", render("{% if not tools is defined %}no tools{% endif %}|"
                + "{{ not messages[0]['role'] == 'user' }}|"
                + "{% set ns = namespace(last=messages|length - 1) %}{{ ns.last }}"));
        assertEquals("True True", render("{{ messages|length > 2 }} {{ true }}"));
    }

    @Test
    void whitespaceAsTrimBlocksAndLstripBlocks() {
        assertEquals("        <user>\n", render("{% for m in messages %}\n    {% if m['role'] == 'user' %}\n"
                + "        <{{ m['role'] }}>\n    {% endif %}\n{% endfor %}\n"));
        assertEquals("[system][user][assistant] done", render("{%- for m in messages %}\n"
                + "    {{- '[' + m['role'] + ']' }}\n    {#- a comment #}\n{%- endfor %}\n"
                + "{{- ' done' if add_generation_prompt }}\n"));
        // lstrip_blocks only strips a line's indentation; {%+ and +%} keep the whitespace.
        assertEquals("USER: x ASSISTANT: !\n  kept\nend", render("USER: {% if true %}x{% endif %} ASSISTANT: {# note #}!\n"
                + "  {%+ if true %}kept{% endif +%}\nend"));
        assertEquals("a\nb\n", render("a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n"));
    }

    @Test
    void generationBlockRendersItsBody() {
        assertEquals("Hello", render("{% for m in messages %}{% if m['role'] == 'assistant' %}{% generation %}"
                + "{{ m['content'][0]['text'] }}{% endgeneration %}{% endif %}{% endfor %}"));
    }

    @Test
    void specialTokensAndTheGenerationPrompt() {
        ChatTemplate template = new ChatTemplate("{{ bos_token }}{% for m in messages %}{{ m['role'] }}{{ eos_token }}"
                + "{% endfor %}{% if add_generation_prompt %}{{ pad_token }}{{ unk_token }}>{% endif %}", "test template",
                new SpecialTokens("<s>", "</s>", "<pad>", "<unk>"));
        assertEquals("<s>system</s>user</s>assistant</s><pad><unk>>", template.render(MESSAGES));
        assertEquals("<s>system</s>user</s>assistant</s>", template.render(MESSAGES, false));
        // An unset token is undefined: it prints nothing.
        assertEquals("system", new ChatTemplate("{{ bos_token }}{{ messages[0]['role'] }}", "test template",
                SpecialTokens.NONE).render(MESSAGES));
    }

    @Test
    void raiseExceptionRefusesTheConversation() {
        ChatTemplateException e = assertThrows(ChatTemplateException.class, () -> render(
                "{% macro check(m) %}{% if m['role'] == 'system' %}{{ raise_exception('no ' + m['role'] + ' here') }}"
                        + "{% endif %}{% endmacro %}{% for m in messages %}{{ check(m) }}{% endfor %}"));
        assertEquals("chat template test template refused the conversation: no system here", e.getMessage());
    }

    @Test
    void strftimeNowFormatsTheLocalTime() {
        assertEquals(String.valueOf(Year.now().getValue()), render("{{ strftime_now('%Y') }}"));
    }

    @Test
    void templatesCannotLoadOtherTemplates() {
        assertThrows(ChatTemplateException.class, () -> render("{% include 'application.properties' %}"));
    }

    @Test
    void theMessagesCannotBeChanged() {
        assertThrows(ChatTemplateException.class, () -> render("{{ messages.append(1) }}"));
    }

    @Test
    void brokenTemplatesAreRefused() {
        ChatTemplateException unclosed = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate("{% for m in messages %}{{ m['role'] }}", "chat_template.jinja", SpecialTokens.NONE));
        assertTrue(unclosed.getMessage().startsWith("chat template chat_template.jinja does not parse: "), unclosed.getMessage());
        assertTrue(unclosed.getMessage().contains("endfor"), unclosed.getMessage());
        ChatTemplateException token = assertThrows(ChatTemplateException.class,
                () -> new ChatTemplate("a\n{{ messages }", "chat_template.jinja", SpecialTokens.NONE));
        assertEquals("chat template chat_template.jinja does not parse: unclosed '{{' (line 2)", token.getMessage());
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate("{% nosuchtag %}", "t", SpecialTokens.NONE));
        assertThrows(ChatTemplateException.class, () -> new ChatTemplate("x{% endif %}", "t", SpecialTokens.NONE));
        // Jinjava parses expressions only when it renders them: a broken one fails then.
        ChatTemplate expression = new ChatTemplate("{{ 1 + }}", "chat_template.jinja", SpecialTokens.NONE);
        ChatTemplateException render = assertThrows(ChatTemplateException.class, () -> expression.render(MESSAGES));
        assertTrue(render.getMessage().startsWith("chat template chat_template.jinja failed to render: "),
                render.getMessage());
        // Braces inside strings are text, not tags.
        assertEquals("{{ {% }} %}", render("{{ '{{' }} {{ '{%' }} {{ \"}}\" }} {{ '%}' }}"));
    }
}
