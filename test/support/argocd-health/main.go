// Runs an Argo CD resource health check the way Argo CD does: with gopher-lua (the Lua
// interpreter Argo CD embeds), the object as the global `obj`, the script's returned table
// as the verdict. Reads the script's path from argv[1] and the object as JSON on stdin;
// prints {"status": ..., "message": ...}. A test tool, not part of Greenroom.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	lua "github.com/yuin/gopher-lua"
)

func toLua(l *lua.LState, v any) lua.LValue {
	switch x := v.(type) {
	case nil:
		return lua.LNil
	case bool:
		return lua.LBool(x)
	case float64:
		return lua.LNumber(x)
	case string:
		return lua.LString(x)
	case []any:
		t := l.NewTable()
		for _, item := range x {
			t.Append(toLua(l, item))
		}
		return t
	case map[string]any:
		t := l.NewTable()
		for k, item := range x {
			t.RawSetString(k, toLua(l, item))
		}
		return t
	}
	panic(fmt.Sprintf("unexpected JSON value %T", v))
}

func main() {
	script, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var object any
	if err := json.NewDecoder(os.Stdin).Decode(&object); err != nil {
		fail(err)
	}
	// Argo CD opens only the safe standard libraries for health checks.
	l := lua.NewState(lua.Options{SkipOpenLibs: true})
	defer l.Close()
	for _, lib := range []struct {
		name string
		open lua.LGFunction
	}{{lua.LoadLibName, lua.OpenPackage}, {lua.BaseLibName, lua.OpenBase}, {lua.TabLibName, lua.OpenTable}, {lua.StringLibName, lua.OpenString}, {lua.MathLibName, lua.OpenMath}} {
		l.Push(l.NewFunction(lib.open))
		l.Push(lua.LString(lib.name))
		l.Call(1, 0)
	}
	l.SetGlobal("obj", toLua(l, object))
	if err := l.DoString(string(script)); err != nil {
		fail(err)
	}
	result, ok := l.Get(-1).(*lua.LTable)
	if !ok {
		fail(fmt.Errorf("the health check returned %s, not a table", l.Get(-1).Type()))
	}
	out, _ := json.Marshal(map[string]string{"status": lua.LVAsString(result.RawGetString("status")), "message": lua.LVAsString(result.RawGetString("message"))})
	fmt.Println(string(out))
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}
