// Pipe: the pipeline language of pipec. Reference: docs/language.md.
// Keywords are soft: most of them may also be used as names (a job called `deploy`
// or `test`, an output called `model`), see `name` below.
grammar Pipe;

// Not part of the language: ANTLR 4.9's rule entry and exit without its dynamic_cast of each
// rule context's parent, tokens' tree nodes from blocks, and a scope guard without a
// std::function (parser_members.cc and bench/front/README.md say why).
// The ATNs are deserialized when the first lexer or parser is made, not at start-up: 4.9 does
// it in a static object's constructor, which the build removes (lazy_init.cmake).
@lexer::members {
  // Deserializes the lexer's ATN once (thread-safe); a member initializer below calls it
  // before the generated constructor's body uses the ATN.
  static void EnsureInitialized();
 private:
  bool initialized_ = (EnsureInitialized(), true);
 public:
}
@parser::members {
  static void EnsureInitialized();  // the same for the parser's ATN
 private:
  bool initialized_ = (EnsureInitialized(), true);
 public:
  void enterRule(antlr4::ParserRuleContext *localctx, size_t state, size_t ruleIndex) override;
  void enterOuterAlt(antlr4::ParserRuleContext *localctx, size_t altNum) override;
  void exitRule();
  antlr4::Token *consume() override;
  // Ends the terminal nodes made so far, after getTreeTracker().reset() ended their trees.
  void ReleaseTerminals();
  // Predictions the DFA already holds are read off it without ANTLR's general machinery
  // (parser_members.cc); anything else goes to ANTLR's adaptivePredict as before.
  // With `checked` and `mismatched` (tests): each DFA-first answer is also asked of 4.9's
  // adaptivePredict; the counts are how many were, and how many differed.
  void UseDfaFirstPrediction(size_t *checked = nullptr, size_t *mismatched = nullptr);
  // The generated rules' `auto onExit = finally([=] { exitRule(); });` finds this one first:
  // a scope guard holding the lambda itself, where antlrcpp::finally wraps it in a
  // std::function on every rule entry.
  template <typename F>
  struct RuleExit {
    F on_exit;
    ~RuleExit() { on_exit(); }
  };
  template <typename F>
  static RuleExit<F> finally(F on_exit) { return RuleExit<F>{std::move(on_exit)}; }
 private:
  std::vector<std::unique_ptr<unsigned char[]>> terminal_blocks_;
  size_t terminals_used_ = 0;
 public:
}

file : header? topItem* EOF ;

header : PIPELINE name VERSION INT ;

topItem
  : importDecl
  | triggerDecl
  | varDecl
  | secretDecl
  | stagesDecl
  | defaultDecl
  | cacheDecl
  | templateDecl
  | jobDecl
  | rawBlock
  ;

// ---- modules ----
importDecl
  : IMPORT STD SLASH name selection? (AS name)?  # importStd
  | IMPORT STRING selection? (AS name)?         # importLocal
  ;
selection : LPAREN name (COMMA name)* COMMA? RPAREN ;

// ---- triggers ----
triggerDecl : ON triggerSpec ;
triggerSpec
  : PUSH (BRANCHES stringList)? (PATHS stringList)?                       # pushTrigger
  | MERGE_REQUEST (TARGETS stringList)?                                   # mrTrigger
  | TAG STRING                                                            # tagTrigger
  | SCHEDULE name (CRON STRING)? (TZ STRING)? (BRANCH STRING)?             # scheduleTrigger
  | MANUAL (INPUTS paramBlock)?                                           # manualTrigger
  | WEBHOOK name (INPUTS paramBlock)?                                     # webhookTrigger
  ;
paramBlock : LBRACE (param COMMA?)* RBRACE ;
param : name COLON type (ASSIGN expr)? ;

// ---- declarations ----
varDecl : VAR name COLON type ASSIGN expr ;
secretDecl : SECRET name secretAttr* ;
secretAttr : MASKED | PROTECTED | FILE | ENVIRONMENT (name | STRING) ;
stagesDecl : STAGES name (COMMA name)* ;
defaultDecl : DEFAULT LBRACE jobItem* RBRACE ;
cacheDecl : CACHE name LBRACE cacheItem* RBRACE ;
cacheItem
  : KEY FILES stringList     # cacheKeyFiles
  | KEY STRING               # cacheKey
  | PATHS stringList         # cachePaths
  | POLICY name              # cachePolicy
  ;

templateDecl : TEMPLATE name LPAREN (param (COMMA param)* COMMA?)? RPAREN base? LBRACE jobItem* RBRACE ;
jobDecl : JOB name base? LBRACE jobItem* RBRACE ;
base : COLON qualifiedName (LPAREN (arg (COMMA arg)* COMMA?)? RPAREN)? ;
arg : name COLON expr ;

// ---- job items ----
jobItem
  : STAGE name                                             # stageItem
  | NEEDS needRef (COMMA needRef)*                         # needsItem
  | WHEN (ALWAYS | ON_FAILURE | MANUAL)                    # runWhenItem
  | WHEN condition                                         # whenItem
  | IMAGE expr                                             # imageItem
  | SERVICES stringList                                    # servicesItem
  | RUNNER stringList                                      # runnerItem
  | SHELL STRING                                           # shellItem
  | ENV LBRACE (envEntry COMMA?)* RBRACE                   # envItem
  | MATRIX LBRACE (matrixEntry COMMA?)* RBRACE             # matrixItem
  | IN name ASSIGN name DOT name (AT STRING)?              # inItem
  | RUN STRING                                             # runItem
  | SETUP STRING                                           # setupItem
  | TEARDOWN STRING                                        # teardownItem
  | OUT name COLON outKind STRING (EXPIRE DURATION)? PUBLISH?  # outFileItem
  | OUT name COLON valueType FROM STRING                   # outValueItem
  | ENVIRONMENT name envBlock?                             # environmentItem
  | TIMEOUT DURATION                                       # timeoutItem
  | RETRY INT                                              # retryItem
  | ALLOW_FAILURE                                          # allowFailureItem
  | USES CACHE name (COMMA name)*                          # usesCacheItem
  | TRIGGER PIPELINE STRING (INPUTS LBRACE (triggerInput COMMA?)* RBRACE)?   # triggerPipelineItem
  | TRIGGER PROJECT STRING (BRANCH STRING)?                # triggerProjectItem
  | rawBlock                                               # rawItem
  ;
envEntry : name ASSIGN expr ;
matrixEntry : name COLON listExpr ;
triggerInput : name COLON expr ;
envBlock : LBRACE envSetting* RBRACE ;
envSetting : URL STRING | APPROVAL MANUAL ;
outKind : FILE | DIR | JUNIT | DOTENV | CODEQUALITY | COVERAGE ;
valueType : BOOL | INT_T | FLOAT_T | STRING_T ;

// ---- raw vendor keys (kept verbatim by the emitter of that vendor) ----
rawBlock : RAW (GITLAB | GITHUB) rawObject ;
rawObject : LBRACE (rawMember COMMA?)* RBRACE ;
rawMember : (name | STRING) COLON rawValue ;
rawValue : rawObject | LBRACK (rawValue (COMMA rawValue)* COMMA?)? RBRACK | literal | name ;

// ---- conditions ----
condition
  : NOT condition                       # notCond
  | condition AND condition             # andCond
  | condition OR condition              # orCond
  | LPAREN condition RPAREN             # parenCond
  | TRIGGER IS triggerRef               # triggerIsCond
  | TRIGGER IN LBRACK triggerRef (COMMA triggerRef)* COMMA? RBRACK   # triggerInCond
  | operand (EQ | NE) operand           # compareCond
  | operand MATCHES STRING              # matchesCond
  | CHANGED stringList                  # changedCond
  | operand                             # truthyCond
  ;
triggerRef : name (DOT name)? ;
needRef : OPTIONAL? qualifiedName ;
operand : literal | qualifiedName ;

// ---- expressions and types ----
expr : literal | listExpr | qualifiedName ;
listExpr : LBRACK (expr (COMMA expr)* COMMA?)? RBRACK ;
stringList : LBRACK (STRING (COMMA STRING)* COMMA?)? RBRACK ;
literal : STRING | INT | FLOAT | DURATION | TRUE | FALSE ;
type : STRING_T | INT_T | FLOAT_T | BOOL | DURATION_T | PATH_T | SECRET | LIST LBRACK type RBRACK ;
qualifiedName : name (DOT name)* ;

// Soft keywords: usable wherever a name is expected.
name
  : ID | PIPELINE | VERSION | IMPORT | STD | AS | ON | PUSH | BRANCHES | PATHS | MERGE_REQUEST
  | TARGETS | TAG | SCHEDULE | CRON | TZ | BRANCH | MANUAL | INPUTS | WEBHOOK | VAR | SECRET
  | MASKED | PROTECTED | FILE | ENVIRONMENT | STAGES | DEFAULT | CACHE | KEY | FILES | POLICY
  | TEMPLATE | JOB | STAGE | NEEDS | WHEN | ALWAYS | ON_FAILURE | IMAGE | SERVICES | RUNNER
  | SHELL | ENV | MATRIX | IN | RUN | OUT | EXPIRE | FROM | TIMEOUT | RETRY | ALLOW_FAILURE
  | USES | TRIGGER | PROJECT | RAW | GITLAB | GITHUB | URL | APPROVAL | DIR
  | JUNIT | DOTENV | CODEQUALITY | COVERAGE | BOOL | INT_T | FLOAT_T | STRING_T | DURATION_T
  | PATH_T | LIST | IS | MATCHES | CHANGED | OPTIONAL | AT | PUBLISH | SETUP | TEARDOWN
  ;

// ---- lexer ----
// compiler/syntax/fast_lexer.cc lexes the usual file by hand: it reads the literal tokens
// (keywords, punctuation) from the generated lexer, and implements DURATION, FLOAT, INT, ID,
// the strings, COMMENT and WS itself. A new non-literal rule switches it off until it learns
// the rule (syntax_test fails); every change is checked against this lexer token for token.
PIPELINE : 'pipeline' ;
VERSION : 'version' ;
IMPORT : 'import' ;
STD : 'std' ;
AS : 'as' ;
ON : 'on' ;
PUSH : 'push' ;
BRANCHES : 'branches' ;
PATHS : 'paths' ;
MERGE_REQUEST : 'merge_request' ;
TARGETS : 'targets' ;
TAG : 'tag' ;
SCHEDULE : 'schedule' ;
CRON : 'cron' ;
TZ : 'tz' ;
BRANCH : 'branch' ;
MANUAL : 'manual' ;
INPUTS : 'inputs' ;
WEBHOOK : 'webhook' ;
VAR : 'var' ;
SECRET : 'secret' ;
MASKED : 'masked' ;
PROTECTED : 'protected' ;
FILE : 'file' ;
ENVIRONMENT : 'environment' ;
STAGES : 'stages' ;
DEFAULT : 'default' ;
CACHE : 'cache' ;
KEY : 'key' ;
FILES : 'files' ;
POLICY : 'policy' ;
TEMPLATE : 'template' ;
JOB : 'job' ;
STAGE : 'stage' ;
NEEDS : 'needs' ;
WHEN : 'when' ;
ALWAYS : 'always' ;
ON_FAILURE : 'on_failure' ;
IMAGE : 'image' ;
SERVICES : 'services' ;
RUNNER : 'runner' ;
SHELL : 'shell' ;
ENV : 'env' ;
MATRIX : 'matrix' ;
IN : 'in' ;
RUN : 'run' ;
SETUP : 'setup' ;
TEARDOWN : 'teardown' ;
OUT : 'out' ;
EXPIRE : 'expire' ;
FROM : 'from' ;
TIMEOUT : 'timeout' ;
RETRY : 'retry' ;
ALLOW_FAILURE : 'allow_failure' ;
USES : 'uses' ;
TRIGGER : 'trigger' ;
PROJECT : 'project' ;
RAW : 'raw' ;
GITLAB : 'gitlab' ;
GITHUB : 'github' ;
URL : 'url' ;
APPROVAL : 'approval' ;
DIR : 'dir' ;
JUNIT : 'junit' ;
DOTENV : 'dotenv' ;
CODEQUALITY : 'codequality' ;
COVERAGE : 'coverage' ;
BOOL : 'bool' ;
INT_T : 'int' ;
FLOAT_T : 'float' ;
STRING_T : 'string' ;
DURATION_T : 'duration' ;
PATH_T : 'path' ;
LIST : 'list' ;
IS : 'is' ;
MATCHES : 'matches' ;
CHANGED : 'changed' ;
OPTIONAL : 'optional' ;
AT : 'at' ;
PUBLISH : 'publish' ;
AND : 'and' ;
OR : 'or' ;
NOT : 'not' ;
TRUE : 'true' ;
FALSE : 'false' ;

LBRACE : '{' ;
RBRACE : '}' ;
LBRACK : '[' ;
RBRACK : ']' ;
LPAREN : '(' ;
RPAREN : ')' ;
COMMA : ',' ;
COLON : ':' ;
DOT : '.' ;
SLASH : '/' ;
EQ : '==' ;
NE : '!=' ;
ASSIGN : '=' ;

DURATION : [0-9]+ [smhdw] ([0-9]+ [smhdw])* ;
FLOAT : [0-9]+ '.' [0-9]+ ;
INT : [0-9]+ ;
ID : [a-zA-Z_] [a-zA-Z0-9_-]* ;

// Strings: "..." on one line with \-escapes, or """...""" spanning lines (dedented).
// `${{ expr }}` inside either is an interpolation; `$X` and `${X}` belong to the shell.
TRIPLE_STRING : '"""' .*? '"""' -> type(STRING) ;
STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"' ;
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])* ;

COMMENT : '#' ~[\r\n]* -> channel(HIDDEN) ;
WS : [ \t\r\n]+ -> skip ;
BAD_CHAR : . ;
