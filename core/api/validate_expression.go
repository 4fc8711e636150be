package api

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/danielgtaylor/huma/v2"

	"github.com/vibequality/searcharr/core/webhook/condition"
)

// Kinds of expressions POST /api/validate/expression checks.
const (
	exprStrategy  = "strategy"
	exprCondition = "condition"
)

type expressionCheckBody struct {
	Kind       string         `json:"kind" enum:"strategy,condition" doc:"strategy: an option of a strategy's filters that holds an expression (custom's filter and priority); condition: a queue subscription's condition"`
	Strategy   string         `json:"strategy,omitempty" maxLength:"64" doc:"strategy: the plugin's name"`
	Option     string         `json:"option,omitempty" maxLength:"128" doc:"strategy: the option holding the expression, such as filter or priority (see x-expression in the plugin's config_schema)"`
	Expression string         `json:"expression" maxLength:"16384" doc:"The expression; empty is valid (it keeps, or matches, everything)"`
	Filters    map[string]any `json:"filters,omitempty" doc:"strategy: the queue's other filters, so the expression is checked with them; errors in them are not reported"`
}

type expressionCheckInput struct {
	Body expressionCheckBody
}

type expressionError struct {
	Message string `json:"message"`
	Line    int    `json:"line" doc:"1-based line of the error in the expression; 0 when the error has no position"`
	Column  int    `json:"column" doc:"1-based column (in characters) of the error; 0 when the error has no position"`
}

type expressionField struct {
	Name        string `json:"name"`
	Type        string `json:"type" doc:"string, integer, number, boolean, time, string[], object[], ..."`
	Description string `json:"description"`
}

type expressionCheckOutput struct {
	Body struct {
		Valid  bool              `json:"valid"`
		Result string            `json:"result,omitempty" doc:"What the expression must yield: boolean or number"`
		Errors []expressionError `json:"errors"`
		Fields []expressionField `json:"fields" doc:"The names this kind of expression can use"`
	}
}

func (s *Server) expressionCheckRoute() {
	op := operation(http.MethodPost, "/api/validate/expression", "validate-expression", "search-queues",
		"Check an expression as its editor is typed into, with the error's position and the usable fields", 0)
	op.Description = "A strategy expression is checked by the strategy plugin's own Validate, exactly as when the " +
		"queue is saved; a condition as when subscriptions are saved. An expression that does not hold answers " +
		"200 with valid false and each error's message, line and column. Nothing is stored."
	op.Errors = []int{http.StatusUnprocessableEntity, http.StatusServiceUnavailable}
	handle(s, op, s.checkExpression)
}

func (s *Server) checkExpression(ctx context.Context, in *expressionCheckInput) (*expressionCheckOutput, error) {
	out := &expressionCheckOutput{}
	out.Body.Errors = []expressionError{}
	b := in.Body
	switch b.Kind {
	case exprCondition:
		out.Body.Result = "boolean"
		for _, f := range condition.Fields {
			out.Body.Fields = append(out.Body.Fields, expressionField(f))
		}
		if strings.TrimSpace(b.Expression) != "" {
			if _, err := condition.Compile(b.Expression); err != nil {
				var ce *condition.Error
				if errors.As(err, &ce) {
					out.Body.Errors = append(out.Body.Errors, expressionError{Message: ce.Message, Line: ce.Line, Column: ce.Column})
				} else {
					out.Body.Errors = append(out.Body.Errors, expressionError{Message: err.Error()})
				}
			}
		}
	default:
		if err := s.checkStrategyExpression(ctx, b, out); err != nil {
			return nil, err
		}
	}
	out.Body.Valid = len(out.Body.Errors) == 0
	if out.Body.Fields == nil {
		out.Body.Fields = []expressionField{}
	}
	return out, nil
}

// expressionSchema is what a plugin's config schema says about its
// expression options (see sdk.Info.ConfigSchema).
type expressionSchema struct {
	Fields     []expressionField `json:"x-expression-fields"`
	Properties map[string]struct {
		Expression string `json:"x-expression"`
	} `json:"properties"`
}

// checkStrategyExpression has the plugin validate its filters with the
// expression at the option, and keeps the errors it reports there.
func (s *Server) checkStrategyExpression(ctx context.Context, b expressionCheckBody, out *expressionCheckOutput) error {
	name := strings.TrimSpace(b.Strategy)
	if alias, ok := strategyAliases[name]; ok {
		name = alias
	}
	plugin, ok := s.findPlugin(name)
	if !ok {
		return fieldError("body.strategy", "unknown strategy; loaded: "+strings.Join(s.pluginNames(), ", "), b.Strategy)
	}
	var schema expressionSchema
	_ = json.Unmarshal(plugin.ConfigSchema, &schema) // a schema without annotations has no expression options
	var options []string
	for opt, p := range schema.Properties {
		if p.Expression != "" {
			options = append(options, opt)
		}
	}
	slices.Sort(options)
	if !slices.Contains(options, b.Option) {
		msg := "the " + name + " strategy has no expression options"
		if len(options) > 0 {
			msg = "not an expression option of the " + name + " strategy; it has " + strings.Join(options, ", ")
		}
		return fieldError("body.option", msg, b.Option)
	}
	out.Body.Result = schema.Properties[b.Option].Expression
	out.Body.Fields = schema.Fields

	filters := map[string]any{}
	for k, v := range b.Filters {
		filters[k] = v
	}
	filters[b.Option] = b.Expression
	config, err := json.Marshal(filters)
	if err != nil {
		return fieldError("body.filters", "filters must be a JSON object", nil)
	}
	err = s.deps.Plugins.Validate(ctx, name, config)
	if err == nil {
		return nil
	}
	cerrs, ok := asConfigErrors(err)
	if !ok {
		requestLogger(ctx, s.log).Warn("strategy could not validate an expression", "strategy", name, "error", err)
		return huma.Error503ServiceUnavailable("the " + name + " strategy could not check the expression; try again")
	}
	for _, ce := range cerrs {
		if strings.Trim(ce.Path, "/") == b.Option {
			out.Body.Errors = append(out.Body.Errors, expressionError{Message: ce.Message, Line: ce.Line, Column: ce.Column})
		}
	}
	return nil
}
