"""ledsim: a parameterised LED-wall degradation simulator composed with Real-ESRGAN-style
classic degradations. See pipeline.py for the order of operations and led_ops.py /
classic_ops.py for each op's colour domain (linear or display-referred)."""
from .params import DegradationParams, DegradationRanges, sample_degradation
from .pipeline import apply_led_wall, degrade

__all__ = ["DegradationParams", "DegradationRanges", "sample_degradation", "degrade", "apply_led_wall"]
