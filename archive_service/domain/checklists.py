"""The default archive checklists (档案清单) per business type, in the four parts of R8.
Each entry: (part, title, contract, attachment). Admins and archivists may replace them."""

_COMMON_TAIL = [
    (3, "项目调查报告", False, False),
    (3, "实地调查记录及照片", False, False),
    (3, "征信查询报告", False, False),
    (4, "身份证或营业执照复印件", False, False),
    (4, "户口簿、婚姻状况证明或公司章程", False, False),
    (4, "财务报表或收入证明", False, False),
]

DEFAULT_CHECKLISTS = {
    "loan": [
        (1, "借款申请书", False, False),
        (1, "项目审批表", False, False),
        (1, "贷审会决议", False, False),
        (2, "借款合同", True, False),
        (2, "保证合同", True, False),
        (2, "抵押或质押合同", True, False),
        (2, "放款凭证(借据)", False, False),
        (2, "借款合同(客户联)", True, True),
        *_COMMON_TAIL,
    ],
    "guarantee": [
        (1, "担保申请书", False, False),
        (1, "项目审批表", False, False),
        (1, "评审会决议", False, False),
        (2, "委托保证合同", True, False),
        (2, "反担保合同", True, False),
        (2, "保证合同(对银行)", True, False),
        (2, "担保费收据", False, False),
        (2, "委托保证合同(客户联)", True, True),
        *_COMMON_TAIL,
    ],
}
