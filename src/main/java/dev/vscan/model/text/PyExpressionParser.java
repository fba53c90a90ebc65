package dev.vscan.model.text;

import com.hubspot.jinjava.el.ExtendedSyntaxBuilder;
import com.hubspot.jinjava.el.ext.ExtendedParser;
import com.hubspot.jinjava.el.ext.NamedParameterOperator;
import jinjava.de.odysseus.el.tree.impl.Builder;
import jinjava.de.odysseus.el.tree.impl.Parser;
import jinjava.de.odysseus.el.tree.impl.Scanner;
import jinjava.de.odysseus.el.tree.impl.ast.AstNode;
import jinjava.de.odysseus.el.tree.impl.ast.AstUnary;

/**
 * Jinjava's expression parser with Jinja's precedence for {@code not} and keyword arguments. {@code not}
 * binds below comparisons, tests and filters, so {@code not x is defined} is {@code not (x is defined)} and
 * {@code not a == b} is {@code not (a == b)} (Jinjava, following EL, negates the operand first); templates
 * test {@code not add_generation_prompt is defined} and {@code not tools is defined} often.
 */
final class PyExpressionParser extends ExtendedParser {

    PyExpressionParser(Builder context, String input) {
        super(context, input);
    }

    @Override
    protected AstNode unary(boolean required) throws Scanner.ScanException, Parser.ParseException {
        if (getToken().getSymbol() == Scanner.Symbol.NOT) {
            consumeToken();
            return createAstUnary(eq(true), AstUnary.NOT);
        }
        return super.unary(required);
    }

    /**
     * A keyword argument's value is a whole expression ({@code namespace(n=messages|length - 1)}); Jinjava
     * binds {@code name=} tighter than {@code +} and {@code -}.
     */
    @Override
    protected AstNode add(boolean required) throws Scanner.ScanException, Parser.ParseException {
        if (getToken().getSymbol() == Scanner.Symbol.IDENTIFIER
                && lookahead(0).getSymbol() == Scanner.Symbol.EXTENSION
                && NamedParameterOperator.TOKEN.getImage().equals(lookahead(0).getImage())) {
            AstNode name = identifier(consumeToken().getImage());
            consumeToken();
            return NamedParameterOperator.HANDLER.createAstNode(name, expr(true));
        }
        return super.add(required);
    }

    /** Builds trees with {@link PyExpressionParser}. */
    static final class PyBuilder extends ExtendedSyntaxBuilder {

        private static final long serialVersionUID = 1L;

        PyBuilder(Feature... features) {
            super(features);
        }

        @Override
        protected Parser createParser(String expression) {
            return new PyExpressionParser(this, expression);
        }
    }
}
