"""Macro liquidity: debt dynamics, the interest bill, the Fed's balance sheet (pure computations)."""
