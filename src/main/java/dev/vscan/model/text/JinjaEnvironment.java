package dev.vscan.model.text;

import com.hubspot.jinjava.Jinjava;
import com.hubspot.jinjava.JinjavaConfig;
import com.hubspot.jinjava.LegacyOverrides;
import com.hubspot.jinjava.el.JinjavaInterpreterResolver;
import com.hubspot.jinjava.el.TruthyTypeConverter;
import com.hubspot.jinjava.interpret.Context;
import com.hubspot.jinjava.interpret.InterpreterFactory;
import com.hubspot.jinjava.interpret.JinjavaInterpreter;
import com.hubspot.jinjava.interpret.RenderResult;
import com.hubspot.jinjava.interpret.TemplateError;
import com.hubspot.jinjava.lib.fn.ELFunctionDefinition;
import com.hubspot.jinjava.loader.ResourceNotFoundException;
import com.hubspot.jinjava.objects.date.StrftimeFormatter;
import java.lang.reflect.Method;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import jinjava.de.odysseus.el.ExpressionFactoryImpl;
import jinjava.de.odysseus.el.tree.TreeStore;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Cache;
import jinjava.javax.el.CompositeELResolver;
import jinjava.javax.el.ExpressionFactory;

/**
 * One Jinjava set up as transformers sets up Jinja for chat templates: {@code trim_blocks} (with
 * {@code lstrip_blocks} and the rest of Jinja's whitespace done by {@link JinjaSource}),
 * {@code raise_exception}, {@code strftime_now}, the {@code generation} tag, a Python {@code tojson},
 * Python's string methods, Jinja's precedence of {@code not}, booleans printed as {@code True} and
 * {@code False}, and no loader (no {@code include} or {@code import}). Jinjava renders concurrently; this
 * instance is shared.
 */
final class JinjaEnvironment {

    private static final Jinjava JINJAVA = create();

    private JinjaEnvironment() {
    }

    /** The errors of parsing {@code source} ({@link JinjaSource#rewrite rewritten}) without rendering it. */
    static List<TemplateError> parse(String source) {
        JinjavaInterpreter interpreter = JINJAVA.newInterpreter();
        JinjavaInterpreter.pushCurrent(interpreter);
        try {
            interpreter.parse(source);
        } finally {
            JinjavaInterpreter.popCurrent();
        }
        return interpreter.getErrorsCopy();
    }

    static RenderResult render(String source, Map<String, Object> variables) {
        return JINJAVA.renderForResult(source, variables);
    }

    /**
     * Errors that Jinja would raise: Jinjava's fatal ones, and syntax it only warns about (a stray end tag),
     * except its unclosed-token warning, which {@link JinjaSource} checks correctly.
     */
    static boolean isFailure(TemplateError error) {
        return error.getSeverity() == TemplateError.ErrorType.FATAL
                || (error.getReason() == TemplateError.ErrorReason.SYNTAX_ERROR
                        && !"Unclosed token".equals(error.getMessage()));
    }

    /** transformers' {@code raise_exception(message)}. */
    public static String raiseException(Object message) {
        throw TemplateFailure.raised(String.valueOf(message));
    }

    /** transformers' {@code strftime_now(format)}: the local time now, formatted by strftime codes. */
    public static String strftimeNow(String format) {
        return StrftimeFormatter.format(ZonedDateTime.now(), format);
    }

    private static Jinjava create() {
        CompositeELResolver resolver = new CompositeELResolver();
        resolver.add(new PyStringMethods());
        resolver.add(JinjavaInterpreterResolver.DEFAULT_RESOLVER_READ_ONLY);
        // Python's semantics where Jinjava keeps its own by default; whitespace is not required inside
        // {{ }} (llava's templates write {{' [/INST]' }}).
        LegacyOverrides python = LegacyOverrides.newBuilder()
                .withEvaluateMapKeys(true)
                .withIterateOverMapKeys(true)
                .withUsePyishObjectMapper(true)
                .withUseNaturalOperatorPrecedence(true)
                .withParseWhitespaceControlStrictly(true)
                .withUseTrimmingForNotesAndExpressions(true)
                .withKeepNullableLoopValues(true)
                .build();
        JinjavaConfig config = JinjavaConfig.newBuilder()
                .withTrimBlocks(true)
                .withElResolver(resolver)
                .withLegacyOverrides(python)
                .withInterperterFactory(new InterpreterFactory() {
                    @Override
                    public JinjavaInterpreter newInstance(JinjavaInterpreter orig) {
                        return new PyInterpreter(orig);
                    }

                    @Override
                    public JinjavaInterpreter newInstance(Jinjava application, Context context, JinjavaConfig config) {
                        return new PyInterpreter(application, context, config);
                    }
                })
                .build();
        Jinjava jinjava = new PyJinjava(config);
        jinjava.setResourceLocator((name, encoding, interpreter) -> {
            throw new ResourceNotFoundException("chat templates cannot load other templates ('" + name + "')");
        });
        jinjava.registerFunction(function("raise_exception", "raiseException", Object.class));
        jinjava.registerFunction(function("strftime_now", "strftimeNow", String.class));
        jinjava.registerTag(new GenerationTag());
        jinjava.registerFilter(new PyJson());
        return jinjava;
    }

    /** Prints values as Python's {@code str} does where Jinjava differs: {@code True} and {@code False}. */
    private static final class PyInterpreter extends JinjavaInterpreter {

        PyInterpreter(JinjavaInterpreter orig) {
            super(orig);
        }

        PyInterpreter(Jinjava application, Context context, JinjavaConfig config) {
            super(application, context, config);
        }

        @Override
        public String getAsString(Object object) {
            if (object instanceof Boolean b) {
                return b ? "True" : "False";
            }
            return super.getAsString(object);
        }
    }

    /** Jinjava whose expressions parse with {@link PyExpressionParser}. */
    private static final class PyJinjava extends Jinjava {

        // What Jinjava's own factory has: EL 2.2 method calls and varargs, a cache of parsed expressions.
        private final ExpressionFactory expressions = new ExpressionFactoryImpl(
                new TreeStore(new PyExpressionParser.PyBuilder(Builder.Feature.METHOD_INVOCATIONS,
                        Builder.Feature.VARARGS), new Cache(1000)),
                new TruthyTypeConverter());

        PyJinjava(JinjavaConfig config) {
            super(config);
        }

        @Override
        public ExpressionFactory getExpressionFactory() {
            return expressions;
        }
    }

    private static ELFunctionDefinition function(String name, String method, Class<?> parameter) {
        try {
            Method target = JinjaEnvironment.class.getMethod(method, parameter);
            // The class is package-private; JUEL invokes the method reflectively from its own package.
            target.setAccessible(true);
            return new ELFunctionDefinition("", name, target);
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException(e);
        }
    }
}
