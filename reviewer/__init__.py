"""reviewer: 绩效自评报告审阅器 — checks performance self-evaluation reports."""

__version__ = "0.1.0"
