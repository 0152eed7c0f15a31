"""The service catalogue shipped with the product: six categories of non-enforcement
legal services that NGOs may deliver (the seeds' "6大类" list). Codes are stable ids;
names are editable by staff afterwards."""

CATALOGUE = [
    (
        "legal-services",
        "法律服务",
        "Legal services",
        [
            ("legal-consultation", "法律咨询", "Legal consultation"),
            ("community-legal-adviser", "村（社区）法律顾问", "Village and community legal advisers"),
            ("legal-health-check", "企业法律体检", "Legal health checks for small businesses"),
            ("notarisation-guidance", "公证咨询与引导", "Notarisation guidance"),
            ("contract-review", "合同审查与起草", "Contract review and drafting"),
        ],
    ),
    (
        "legal-aid",
        "法律援助",
        "Legal aid",
        [
            ("aid-application-help", "法律援助申请协助", "Help applying for legal aid"),
            ("aid-migrant-workers", "农民工欠薪法律援助", "Legal aid for unpaid migrant workers"),
            ("aid-minors", "未成年人法律援助", "Legal aid for minors"),
            ("aid-elderly-disabled", "老年人和残疾人法律援助", "Legal aid for older and disabled people"),
            ("aid-duty-lawyer", "值班律师服务", "Duty lawyer service"),
        ],
    ),
    (
        "mediation",
        "人民调解",
        "People's mediation",
        [
            ("neighbourhood-mediation", "邻里纠纷调解", "Neighbourhood dispute mediation"),
            ("family-mediation", "婚姻家庭纠纷调解", "Marriage and family dispute mediation"),
            ("labour-mediation", "劳动争议调解", "Labour dispute mediation"),
            ("medical-mediation", "医疗纠纷调解", "Medical dispute mediation"),
            ("traffic-mediation", "交通事故纠纷调解", "Traffic accident dispute mediation"),
            ("property-mediation", "物业纠纷调解", "Property management dispute mediation"),
        ],
    ),
    (
        "legal-education",
        "普法宣传",
        "Legal publicity and education",
        [
            ("school-law-education", "青少年法治教育", "Law education for young people"),
            ("community-law-lectures", "社区法治讲座", "Community law lectures"),
            ("case-based-education", "以案释法（微电影、模拟法庭）", "Case-based education (short films, mock trials)"),
            ("rural-law-education", "农村法治宣传", "Rural law education"),
            ("online-law-education", "新媒体普法", "Law education on social media"),
        ],
    ),
    (
        "judicial-expertise",
        "司法鉴定",
        "Judicial expertise",
        [
            ("expertise-consultation", "司法鉴定咨询", "Forensic expertise consultation"),
            ("expertise-aid", "司法鉴定援助", "Forensic expertise assistance"),
            ("expertise-education", "司法鉴定知识普及", "Public education on forensic expertise"),
        ],
    ),
    (
        "community-corrections",
        "社区矫正",
        "Community corrections",
        [
            (
                "corrections-education",
                "社区矫正对象教育帮扶",
                "Education and support for people under community corrections",
            ),
            ("corrections-psychology", "心理矫治", "Psychological counselling"),
            ("resettlement-help", "安置帮教", "Resettlement support after release"),
            ("corrections-employment", "就业技能培训", "Employment skills training"),
        ],
    ),
]
