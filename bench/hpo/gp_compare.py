import json,sys,statistics as st
ref={'hartmann6':-3.32237,'branin':0.397887,'rosenbrock10':0,'ackley5':0,'mixed_hpo':None}
def load(fs):
    d={}
    for f in fs:
        for l in open(f):
            r=json.loads(l); d.setdefault(r['problem'],[]).append(r)
    return d
O=load(sys.argv[1].split(',')); F=load(sys.argv[2].split(','))
import math
for p in ['branin','hartmann6','rosenbrock10','ackley5','mixed_hpo']:
    if p not in O: continue
    def reg(rs,n):
        out=[]
        for r in rs:
            v=min(r['values'][:n]); out.append(v-(ref[p] if ref[p] is not None else 0))
        return out
    o50,o100=reg(O[p],50),reg(O[p],100); f50,f100=reg(F[p],50),reg(F[p],100)
    oo=st.median(r['overhead_cpu_ms_per_trial'] for r in O[p]); fo=st.median(r['overhead_cpu_ms_per_trial'] for r in F[p])
    print(f"| {p} | {len(O[p])}/{len(F[p])} | {st.median(o50):.4g} / {st.median(f50):.4g} | {st.median(o100):.4g} / {st.median(f100):.4g} | {oo:.1f} / {fo:.2f} | {oo/fo:.0f}x |")
